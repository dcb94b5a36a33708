import assert from "node:assert/strict";
import { test } from "node:test";
import { splitByNonzeros, splitRange, WorkerPool } from "./worker-pool.js";

test("splitRange and splitByNonzeros cover every row once", () => {
  assert.deepEqual(splitRange(10, 3), [
    [0, 3],
    [3, 6],
    [6, 10],
  ]);
  // Row 0 holds 90 of 100 entries: it gets a range of its own.
  const indptr = Int32Array.from([0, 90, 92, 94, 96, 98, 100]);
  assert.deepEqual(splitByNonzeros(indptr, 2), [
    [0, 1],
    [1, 6],
  ]);
});

test("WorkerPool runs handlers on shared memory in every worker", async () => {
  const pool = new WorkerPool(new URL("./testing/sum-worker.ts", import.meta.url), 2);
  try {
    const data = new SharedArrayBuffer(8 * 1000);
    new Float64Array(data).forEach((_, i, a) => {
      a[i] = i;
    });
    const out = new SharedArrayBuffer(16);
    const ranges = splitRange(1000, 2);
    const counts = await pool.runAll<number>("sumRange", (i) => ({
      data,
      out,
      slot: i,
      start: ranges[i][0],
      end: ranges[i][1],
    }));
    assert.deepEqual(counts, [500, 500]);
    const sums = new Float64Array(out);
    assert.equal(sums[0] + sums[1], (999 * 1000) / 2);
    await assert.rejects(pool.runOn(0, "missing", {}), /unknown handler/);
  } finally {
    await pool.close();
  }
});
