import assert from "node:assert/strict";
import { test } from "node:test";
import { MetricsAccumulator } from "./metrics.js";
import type { Split } from "./splits.js";
import { matrixOf } from "./testing/fixtures.js";

const close = (actual: number | null, expected: number) =>
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

/** A split from `[user, item]` pairs (timestamps do not matter to metrics). */
function splitOf(train: [number, number][], test: [number, number][], nUsers: number, nItems: number): Split {
  const triples = (pairs: [number, number][]) => pairs.map(([u, i]): [number, number, number] => [u, i, 0]);
  return {
    name: "hand",
    train: matrixOf(triples(train), nUsers, nItems),
    test: matrixOf(triples(test), nUsers, nItems),
  };
}

// Train: user 0 {0}, user 1 {0, 2}. Test: user 0 {1, 3}, user 1 {4}.
const split = splitOf(
  [
    [0, 0],
    [1, 0],
    [1, 2],
  ],
  [
    [0, 1],
    [0, 3],
    [1, 4],
  ],
  2,
  5,
);

test("hand-computed accuracy metrics at k = 3", () => {
  const acc = new MetricsAccumulator(split, { k: 3 });
  // User 0: R = {1, 3}, L = [1, 2, 3]: hits at ranks 1 and 3.
  //   P@3 = 2/3, R@3 = 2/2 = 1, nDCG@3 = (1 + 1/log2(4)) / (1 + 1/log2(3)), AP@3 = (1/1 + 2/3) / 2.
  assert.equal(acc.add(0, Int32Array.of(1, 2, 3)), true);
  // User 1: R = {4}, L = [3, -1, 4]: the -1 slot keeps its rank, so the hit is at rank 3.
  //   P@3 = 1/3, R@3 = 1, nDCG@3 = (1/log2(4)) / 1 = 0.5, AP@3 = (1/3) / min(1, 3) = 1/3.
  acc.add(1, Int32Array.of(3, -1, 4));
  const r = acc.finish();
  close(r.precision, (2 / 3 + 1 / 3) / 2);
  close(r.recall, 1);
  close(r.ndcg, ((1 + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3)) + 0.5) / 2);
  close(r.map, ((1 + 2 / 3) / 2 + 1 / 3) / 2);
  close(r.hitRate, 1);
  assert.equal(r.usersEvaluated, 2);
  assert.equal(r.usersMissing, 0);
  assert.equal(r.seenRecommended, 0);
  // Distinct items {1, 2, 3, 4} of a catalogue of 5.
  close(r.coverage, 4 / 5);
  // Training users per item: 0 → 2, 2 → 1, others 0, out of 2 users. Unseen items get p = 1/3.
  // Slots: 1, 2, 3 (user 0) and 3, 4 (user 1): (4·log2(3) + log2(2)) / 5.
  close(r.novelty, (4 * Math.log2(3) + 1) / 5);
  assert.equal(r.diversity, null);
});

test("intra-list diversity from item categories", () => {
  const acc = new MetricsAccumulator(split, {
    k: 3,
    itemCategories: [undefined, ["a"], ["a", "b"], ["c"], undefined],
  });
  acc.add(0, Int32Array.of(1, 2, 3));
  acc.add(1, Int32Array.of(3, -1, 4));
  // User 0: d(1,2) = 1 − 1/2, d(1,3) = 1, d(2,3) = 1 → mean 2.5/3.
  // User 1: d(3,4) = 1 ({c} against no categories).
  close(acc.finish().diversity, (2.5 / 3 + 1) / 2);
});

test("relevant sets larger and smaller than k", () => {
  const s = splitOf(
    [],
    [
      [0, 0],
      [1, 0],
      [1, 1],
      [1, 2],
    ],
    2,
    10,
  );
  const acc = new MetricsAccumulator(s, { k: 2 });
  // User 0: R = {0}, L = [5, 0]: P = 1/2, R = 1, nDCG = (1/log2(3)) / 1, AP = (1/2) / min(1, 2).
  acc.add(0, Int32Array.of(5, 0));
  // User 1: R = {0, 1, 2}, L = [0, 9]: P = 1/2, R = 1/3, nDCG = 1 / (1 + 1/log2(3)), AP = 1 / min(3, 2).
  acc.add(1, Int32Array.of(0, 9));
  const r = acc.finish();
  close(r.precision, 0.5);
  close(r.recall, (1 + 1 / 3) / 2);
  close(r.ndcg, (1 / Math.log2(3) + 1 / (1 + 1 / Math.log2(3))) / 2);
  close(r.map, (0.5 + 0.5) / 2);
});

test("missing users and empty lists count as zero and are reported", () => {
  const s = splitOf(
    [],
    [
      [0, 0],
      [1, 1],
      [2, 2],
    ],
    4,
    3,
  );
  const acc = new MetricsAccumulator(s, { k: 1 });
  acc.add(0, Int32Array.of(0));
  acc.add(1, Int32Array.of(-1));
  // User 3 has no test entries: not evaluated, its list is ignored.
  assert.equal(acc.add(3, Int32Array.of(0)), false);
  const r = acc.finish();
  assert.equal(r.usersEvaluated, 3);
  assert.equal(r.usersMissing, 2);
  close(r.precision, 1 / 3);
  close(r.hitRate, 1 / 3);
  close(r.coverage, 1 / 3);
});

test("only the first k slots count; repeats are skipped; seen items are counted", () => {
  const acc = new MetricsAccumulator(split, { k: 2 });
  // User 0: [0 (seen in train), 0 (repeat), 1 (beyond k)] → no hit.
  acc.add(0, Int32Array.of(0, 0, 1));
  const r = acc.finish();
  assert.equal(r.seenRecommended, 1);
  assert.equal(r.precision, 0);
  assert.equal(r.usersMissing, 1);
  close(r.coverage, 1 / 5);
});

test("coverage is relative to the candidate items when given", () => {
  const acc = new MetricsAccumulator({ ...split, candidateItems: Int32Array.of(1, 3) }, { k: 1 });
  acc.add(0, Int32Array.of(1));
  acc.add(1, Int32Array.of(1));
  close(acc.finish().coverage, 1 / 2);
});

test("the accumulator rejects bad input", () => {
  assert.throws(() => new MetricsAccumulator(split, { k: 0 }), RangeError);
  const acc = new MetricsAccumulator(split, { k: 2, users: Int32Array.of(0) });
  assert.throws(() => acc.add(0, Int32Array.of(7)), /out of range/);
  assert.throws(() => acc.add(5, Int32Array.of(1)), /out of range/);
  acc.add(0, Int32Array.of(1));
  assert.throws(() => acc.add(0, Int32Array.of(1)), /added twice/);
  // Only user 0 was asked for: user 1's list is ignored.
  assert.equal(acc.add(1, Int32Array.of(4)), false);
  assert.equal(acc.finish().usersEvaluated, 1);
});
