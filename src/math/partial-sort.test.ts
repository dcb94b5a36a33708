import assert from "node:assert/strict";
import { test } from "node:test";
import { firstInOrder } from "./partial-sort.js";
import { Random } from "./random.js";

test("the first `limit` in order equal the head of a full sort, ties included", () => {
  const random = new Random(7);
  for (const count of [0, 1, 2, 7, 64, 1000]) {
    // Few distinct values, so ties are common; they break by index, descending here.
    const values = Float64Array.from({ length: count }, () => random.int(10) / 4);
    const before = (a: number, b: number) => values[a] > values[b] || (values[a] === values[b] && a > b);
    const sorted = Array.from(values.keys()).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    for (const limit of [0, 1, 3, 50, count, count + 5]) {
      assert.deepEqual([...firstInOrder(count, limit, before)], sorted.slice(0, limit), `${count}/${limit}`);
    }
  }
});
