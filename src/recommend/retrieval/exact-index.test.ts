import assert from "node:assert/strict";
import { test } from "node:test";
import { ExactIndex } from "./exact-index.js";
import { ItemRows } from "./item-rows.js";

/** Item i is [i, 1]: for the query [1, 0] the true order is the highest index first. */
function ladder(n: number): Float32Array {
  const m = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    m[2 * i] = i;
    m[2 * i + 1] = 1;
  }
  return m;
}

test("the exact index returns the true top-k with exact scores, best first", () => {
  const index = new ExactIndex(new ItemRows(ladder(10), 10, 2));
  const { indices, scores } = index.search(Float32Array.of(1, 0), 3);
  assert.deepEqual([...indices], [9, 8, 7]);
  assert.deepEqual([...scores], [9, 8, 7]);
  const mixed = index.search(Float32Array.of(-1, 5), 2);
  assert.deepEqual([...mixed.indices], [0, 1]);
  assert.deepEqual([...mixed.scores], [5, 4]);
});

test("ties rank the lower index first", () => {
  const index = new ExactIndex(new ItemRows(ladder(6), 6, 2));
  assert.deepEqual([...index.search(Float32Array.of(0, 1), 3).indices], [0, 1, 2]);
});

test("k larger than the catalogue returns every item, and k = 0 none", () => {
  const index = new ExactIndex(new ItemRows(ladder(4), 4, 2));
  const all = index.search(Float32Array.of(1, 0), 10);
  assert.deepEqual([...all.indices], [3, 2, 1, 0]);
  assert.equal(all.scores.length, 4);
  assert.equal(index.search(Float32Array.of(1, 0), 0).indices.length, 0);
});

test("a query of the wrong length is refused", () => {
  const index = new ExactIndex(new ItemRows(ladder(4), 4, 2));
  assert.throws(() => index.search(Float32Array.of(1, 0, 0), 2), /expected 2/);
});

test("upsert appends and replaces rows without touching the caller's matrix", () => {
  const matrix = ladder(4);
  const before = matrix.slice();
  const index = new ExactIndex(new ItemRows(matrix, 4, 2));
  index.upsert(4, Float32Array.of(100, 0));
  assert.equal(index.size, 5);
  assert.deepEqual([...index.search(Float32Array.of(1, 0), 1).indices], [4]);
  index.upsert(0, Float32Array.of(200, 0));
  assert.deepEqual([...index.search(Float32Array.of(1, 0), 2).indices], [0, 4]);
  assert.deepEqual(matrix, before);
  assert.throws(() => index.upsert(7, Float32Array.of(1, 1)), /outside/);
});
