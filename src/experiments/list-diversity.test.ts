import assert from "node:assert/strict";
import { test } from "node:test";
import { intraListDiversity } from "./list-diversity.js";

const categoryOf = (id: string) => (id.startsWith("?") ? undefined : id.slice(0, 1));

test("diversity is 1 − the share of pairs sharing a primary category", () => {
  assert.equal(intraListDiversity(["a1", "a2", "a3"], categoryOf), 0);
  assert.equal(intraListDiversity(["a1", "b1", "c1", "d1"], categoryOf), 1);
  // Pairs of a1 a2 b1 c1: 6, one of them (a1, a2) shares a category.
  assert.equal(intraListDiversity(["a1", "a2", "b1", "c1"], categoryOf), 1 - 1 / 6);
  // The count formula agrees with enumerating the pairs.
  const list = ["a1", "b1", "a2", "b2", "a3", "c1", "b3"];
  let pairs = 0;
  let same = 0;
  for (let i = 0; i < list.length; i++)
    for (let j = i + 1; j < list.length; j++) {
      pairs++;
      if (list[i][0] === list[j][0]) same++;
    }
  assert.ok(Math.abs((intraListDiversity(list, categoryOf) ?? -1) - (1 - same / pairs)) < 1e-12);
});

test("items without a category are left out; fewer than two known items give no value", () => {
  assert.equal(intraListDiversity(["a1", "?x", "b1"], categoryOf), 1);
  assert.equal(intraListDiversity(["a1", "?x"], categoryOf), null);
  assert.equal(intraListDiversity([], categoryOf), null);
});
