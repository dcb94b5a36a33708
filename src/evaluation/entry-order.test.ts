import assert from "node:assert/strict";
import { test } from "node:test";
import { buildCsr } from "../core/csr.js";
import { groupByColumn, selectByTime } from "./entry-order.js";
import { matrixOf, randomMatrix } from "./testing/fixtures.js";

test("selectByTime agrees with a full sort on both the buffer and the sorting path", () => {
  // One user with 200 entries and many tied timestamps.
  const m = randomMatrix(1, 400, 600, 11);
  const t = m.timestamps!;
  const all = Array.from({ length: m.indices.length }, (_, e) => e);
  const earliest = [...all].sort((a, b) => t[a] - t[b] || a - b);
  const latest = [...all].sort((a, b) => t[b] - t[a] || b - a);
  const out = new Int32Array(100);
  for (const n of [1, 5, 32, 33, 100]) {
    assert.equal(selectByTime(m, 0, n, false, out), n);
    assert.deepEqual([...out.subarray(0, n)], earliest.slice(0, n), `earliest ${n}`);
    assert.equal(selectByTime(m, 0, n, true, out), n);
    assert.deepEqual([...out.subarray(0, n)], latest.slice(0, n), `latest ${n}`);
  }
});

test("selectByTime orders by item index without timestamps, and returns short rows whole", () => {
  const plain = buildCsr(
    {
      length: 3,
      rows: Int32Array.of(0, 0, 0),
      cols: Int32Array.of(4, 1, 2),
      values: Float32Array.of(1, 1, 1),
    },
    1,
    5,
  );
  const out = new Int32Array(3);
  assert.equal(selectByTime(plain, 0, 2, false, out), 2);
  assert.deepEqual([...out.subarray(0, 2)], [0, 1]);
  assert.equal(selectByTime(plain, 0, 2, true, out), 2);
  assert.deepEqual([...out.subarray(0, 2)], [2, 1]);
  const timed = matrixOf(
    [
      [0, 0, 5],
      [0, 1, 3],
    ],
    1,
    2,
  );
  assert.equal(selectByTime(timed, 0, 3, false, out), 2);
  assert.deepEqual([...out.subarray(0, 2)], [1, 0]);
});

test("groupByColumn lists each column's entry positions", () => {
  const m = matrixOf(
    [
      [0, 1, 0],
      [1, 0, 0],
      [1, 1, 0],
    ],
    2,
    2,
  );
  const { ptr, positions } = groupByColumn(m);
  assert.deepEqual([...ptr], [0, 1, 3]);
  assert.deepEqual([...positions], [1, 0, 2]);
});
