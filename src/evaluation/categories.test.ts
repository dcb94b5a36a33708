import assert from "node:assert/strict";
import { test } from "node:test";
import { buildCategoryIndex, categoryDistance, toCategoryIndex } from "./categories.js";

test("buildCategoryIndex interns names into sorted, deduplicated id lists", () => {
  const index = buildCategoryIndex([["b", "a", "b"], undefined, ["a"]]);
  // a → 1, b → 0 (b was seen first).
  assert.deepEqual([...index.indptr], [0, 2, 2, 3]);
  assert.deepEqual([...index.ids], [0, 1, 1]);
  assert.equal(toCategoryIndex(index), index);
});

test("categoryDistance is 1 − Jaccard, and 0 between two items without categories", () => {
  const index = buildCategoryIndex([["a", "b"], ["b", "c"], ["a", "b"], [], undefined]);
  // {a,b} vs {b,c}: 1 shared of 3 → 1 − 1/3.
  assert.equal(categoryDistance(index, 0, 1), 1 - 1 / 3);
  assert.equal(categoryDistance(index, 0, 2), 0);
  assert.equal(categoryDistance(index, 0, 3), 1);
  assert.equal(categoryDistance(index, 3, 4), 0);
  // Items past the end of the metadata have no categories.
  assert.equal(categoryDistance(index, 4, 9), 0);
  assert.equal(categoryDistance(index, 9, 1), 1);
});
