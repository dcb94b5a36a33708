import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "./random.js";
import { TopK } from "./top-k.js";

test("TopK returns the k best in descending order and pads short selections", () => {
  const top = new TopK(3);
  for (const [item, score] of [
    [0, 0.5],
    [1, 2],
    [2, -1],
    [3, 1.5],
    [4, 3],
  ]) {
    top.push(item, score);
  }
  const items = new Int32Array(4);
  const scores = new Float32Array(4);
  top.drainInto(items, scores, 1);
  assert.deepEqual([...items.subarray(1)], [4, 1, 3]);
  assert.deepEqual([...scores.subarray(1)], [3, 2, 1.5]);

  top.reset();
  top.push(7, 1);
  top.drainInto(items, scores, 0);
  assert.deepEqual([...items.subarray(0, 3)], [7, -1, -1]);
  assert.equal(scores[1], Number.NEGATIVE_INFINITY);
});

test("TopK agrees with a full sort on random scores", () => {
  const rng = new Random(7);
  const n = 5000;
  const scores = Float32Array.from({ length: n }, () => rng.normal());
  const top = new TopK(25);
  for (let i = 0; i < n; i++) top.push(i, scores[i]);
  const items = new Int32Array(25);
  const out = new Float32Array(25);
  top.drainInto(items, out, 0);
  const expected = [...scores.keys()].sort((a, b) => scores[b] - scores[a]).slice(0, 25);
  assert.deepEqual([...items], expected);
});

test("TopK orders equal scores by item index whatever the arrival order", () => {
  const top = new TopK(3);
  for (const item of [9, 4, 7, 1, 8]) top.push(item, 1);
  const items = new Int32Array(3);
  top.drainInto(items, new Float32Array(3), 0);
  assert.deepEqual([...items], [1, 4, 7]);
});
