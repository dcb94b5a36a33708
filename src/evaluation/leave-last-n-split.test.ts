import assert from "node:assert/strict";
import { test } from "node:test";
import { leaveLastNSplit } from "./leave-last-n-split.js";
import { assertPartition, matrixOf, randomMatrix, rowItems } from "./testing/fixtures.js";

test("leaveLastNSplit holds out the latest entry, ties to the higher item index", () => {
  const m = matrixOf(
    [
      [0, 0, 30],
      [0, 1, 10],
      [0, 2, 20],
      // User 1: items 1 and 3 share the latest time; item 3 is "later".
      [1, 3, 50],
      [1, 1, 50],
      [1, 0, 40],
      // User 2 has a single entry and keeps it.
      [2, 2, 99],
    ],
    3,
    4,
  );
  const split = leaveLastNSplit(m);
  assertPartition(m, split);
  assert.deepEqual(rowItems(split.test, 0), [0]);
  assert.deepEqual(rowItems(split.test, 1), [3]);
  assert.deepEqual(rowItems(split.test, 2), []);
  assert.deepEqual(rowItems(split.train, 2), [2]);
  assert.equal(split.name, "leave-last-1");
});

test("leaveLastNSplit takes each user's n latest entries", () => {
  const m = randomMatrix(40, 50, 1500, 3);
  for (const n of [1, 3, 40]) {
    const split = leaveLastNSplit(m, { n });
    assertPartition(m, split);
    const { train, test } = split;
    for (let u = 0; u < m.nRows; u++) {
      const len = m.indptr[u + 1] - m.indptr[u];
      const testLen = test.indptr[u + 1] - test.indptr[u];
      assert.equal(testLen, len <= n ? 0 : n);
      // Every test entry is later, in (time, item) order, than every training entry.
      const key = (t: number, item: number) => t * 1000 + item;
      let lastTrain = Number.NEGATIVE_INFINITY;
      for (let e = train.indptr[u]; e < train.indptr[u + 1]; e++) {
        lastTrain = Math.max(lastTrain, key(train.timestamps![e], train.indices[e]));
      }
      for (let e = test.indptr[u]; e < test.indptr[u + 1]; e++) {
        assert.ok(key(test.timestamps![e], test.indices[e]) > lastTrain);
      }
    }
  }
});

test("leaveLastNSplit rejects n < 1", () => {
  assert.throws(() => leaveLastNSplit(randomMatrix(2, 2, 3), { n: 0 }), RangeError);
});
