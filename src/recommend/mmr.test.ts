import assert from "node:assert/strict";
import { test } from "node:test";
import { mmrRerank } from "./mmr.js";

// Items 0 and 1 point the same way; item 2 is orthogonal and scores a little lower.
const vectors = Float32Array.of(1, 0, 1, 0, 0, 1);
const candidates = Int32Array.of(0, 1, 2);
const scores = Float32Array.of(1.0, 0.99, 0.9);

test("without diversity MMR keeps the score order", () => {
  assert.deepEqual(mmrRerank(candidates, scores, vectors, 2, 3, 0), [0, 1, 2]);
});

test("with diversity MMR prefers a different item over a near duplicate", () => {
  assert.deepEqual(mmrRerank(candidates, scores, vectors, 2, 2, 0.5), [0, 2]);
});
