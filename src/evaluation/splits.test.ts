import assert from "node:assert/strict";
import { test } from "node:test";
import { describeSplit, evaluatedUsers, nonEmptyRows, type Split, splitStats } from "./splits.js";
import { matrixOf } from "./testing/fixtures.js";

const split: Split = {
  name: "hand-made",
  train: matrixOf(
    [
      [0, 0, 1],
      [1, 1, 1],
      [2, 2, 1],
    ],
    3,
    4,
  ),
  test: matrixOf([[0, 3, 2]], 3, 4),
};

test("evaluatedUsers defaults to users with test entries", () => {
  assert.deepEqual([...nonEmptyRows(split.train)], [0, 1, 2]);
  assert.deepEqual([...evaluatedUsers(split)], [0]);
  assert.deepEqual([...evaluatedUsers({ ...split, evalUsers: Int32Array.of(1, 2) })], [1, 2]);
});

test("splitStats and describeSplit count train, test and evaluated users", () => {
  assert.deepEqual(splitStats(split), {
    name: "hand-made",
    users: 3,
    items: 4,
    trainNnz: 3,
    testNnz: 1,
    testFraction: 0.25,
    usersWithTest: 1,
    usersEvaluated: 1,
    candidateItems: null,
  });
  assert.equal(
    describeSplit({ ...split, candidateItems: Int32Array.of(3) }),
    "hand-made: 3 users × 4 items, train 3, test 1 (25.0%), 1 users evaluated, 1 candidate items",
  );
});
