import assert from "node:assert/strict";
import { test } from "node:test";
import { buildCsr, hasEntry, selectEntries, transposeCsr } from "./csr.js";

const coo = {
  length: 6,
  rows: Int32Array.from([2, 0, 2, 0, 1, 2]),
  cols: Int32Array.from([1, 3, 0, 3, 2, 1]),
  values: Float32Array.from([1, 2, 3, 4, 5, 6]),
  timestamps: Float64Array.from([10, 20, 30, 5, 40, 7]),
};

test("buildCsr sorts rows by column and sums duplicates keeping the earliest timestamp", () => {
  const m = buildCsr(coo, 3, 4);
  assert.deepEqual([...m.indptr], [0, 1, 2, 4]);
  assert.deepEqual([...m.indices], [3, 2, 0, 1]);
  assert.deepEqual([...m.values], [6, 5, 3, 7]);
  assert.deepEqual([...m.timestamps!], [5, 40, 30, 7]);
  assert.ok(hasEntry(m, 2, 1));
  assert.ok(!hasEntry(m, 2, 2));
});

test("buildCsr rejects an index outside the shape", () => {
  assert.throws(() => buildCsr(coo, 2, 4), /out of range/);
});

test("transposeCsr and selectEntries keep every entry exactly once", () => {
  const m = buildCsr(coo, 3, 4);
  const t = transposeCsr(m);
  assert.deepEqual([...t.indptr], [0, 1, 2, 3, 4]);
  assert.deepEqual([...t.indices], [2, 2, 1, 0]);
  assert.deepEqual([...t.values], [3, 7, 5, 6]);
  const mask = Uint8Array.from([1, 0, 1, 0]);
  const a = selectEntries(m, mask, 1);
  const b = selectEntries(m, mask, 0);
  assert.equal(a.indices.length + b.indices.length, m.indices.length);
  assert.deepEqual([...a.indices], [3, 0]);
  assert.deepEqual([...b.indptr], [0, 0, 1, 2]);
});
