import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { WorkerPool } from "../../math/worker-pool.js";
import { createAlsPool, inlineExecutor, poolExecutor } from "./als-executor.js";
import { resolveAlsParams } from "./als-params.js";
import { trainAls } from "./als-training.js";
import { powerLawMatrix } from "./testing/power-law-matrix.js";

const matrix = powerLawMatrix({ users: 300, items: 120, nnz: 4000, seed: 3 });
const params = resolveAlsParams({ factors: 10, regularization: 0.1, alpha: 2, iterations: 6 });

let pool1: WorkerPool;
let pool2: WorkerPool;
before(() => {
  pool1 = createAlsPool(1);
  pool2 = createAlsPool(2);
});
after(async () => {
  await pool1.close();
  await pool2.close();
});

test("the training loss decreases at every iteration", async () => {
  const losses: number[] = [];
  await trainAls(matrix, params, inlineExecutor(), {
    trackLoss: true,
    onIteration: (info) => losses.push(info.loss ?? Number.NaN),
  });
  assert.equal(losses.length, params.iterations);
  for (let i = 1; i < losses.length; i++) {
    assert.ok(losses[i] < losses[i - 1], `loss rose at iteration ${i + 1}: ${losses[i - 1]} → ${losses[i]}`);
  }
});

test("training is deterministic for a seed and differs across seeds", async () => {
  const a = await trainAls(matrix, params, inlineExecutor());
  const b = await trainAls(matrix, params, inlineExecutor());
  assert.deepEqual(b.userFactors, a.userFactors);
  assert.deepEqual(b.itemFactors, a.itemFactors);
  const c = await trainAls(matrix, { ...params, seed: params.seed + 1 }, inlineExecutor());
  assert.notDeepEqual(c.itemFactors, a.itemFactors);
});

test("one worker, two workers and the calling thread train identical factors", async () => {
  const inline = await trainAls(matrix, params, inlineExecutor());
  const one = await trainAls(matrix, params, poolExecutor(pool1, false));
  const two = await trainAls(matrix, params, poolExecutor(pool2, false));
  // Rows are solved independently and the Gram matrix is split by output tiles, so the results
  // are bit-identical, not merely close.
  assert.deepEqual(one.userFactors, inline.userFactors);
  assert.deepEqual(two.userFactors, inline.userFactors);
  assert.deepEqual(two.itemFactors, inline.itemFactors);
});
