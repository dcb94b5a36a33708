import assert from "node:assert/strict";
import { test } from "node:test";
import { buildCsr } from "../core/csr.js";
import { temporalSplit } from "./temporal-split.js";
import { assertPartition, matrixOf, randomMatrix } from "./testing/fixtures.js";

const m = randomMatrix(50, 30, 1200);

test("temporalSplit with a cut: train strictly before it, test at or after it", () => {
  const split = temporalSplit(m, { cut: 500 });
  assertPartition(m, split);
  assert.ok(split.train.timestamps!.every((t) => t < 500));
  assert.ok(split.test.timestamps!.every((t) => t >= 500));
  assert.ok(split.train.indices.length > 0 && split.test.indices.length > 0);
});

test("temporalSplit by ratio cuts at the quantile of entry timestamps", () => {
  // Ten entries at times 0..9: ratio 0.7 puts times 0..6 in train.
  const triples: [number, number, number][] = [];
  for (let i = 0; i < 10; i++) triples.push([i % 3, i, i]);
  const small = matrixOf(triples, 3, 10);
  const split = temporalSplit(small, { ratio: 0.7 });
  assertPartition(small, split);
  assert.deepEqual(
    [...split.train.timestamps!].sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6],
  );

  // With ties, everything at the cut time goes to test, so train never exceeds the ratio.
  const tied = temporalSplit(m, { ratio: 0.6 });
  assertPartition(m, tied);
  const maxTrain = Math.max(...tied.train.timestamps!);
  assert.ok(tied.test.timestamps!.every((t) => t > maxTrain));
  assert.ok(tied.train.indices.length <= Math.round(0.6 * m.indices.length));
  assert.ok(tied.train.indices.length > 0.5 * m.indices.length);
});

test("temporalSplit by ratio 1 keeps everything in train", () => {
  const split = temporalSplit(m, { ratio: 1 });
  assert.equal(split.test.indices.length, 0);
});

test("temporalSplit needs timestamps", () => {
  const plain = buildCsr(
    { length: 1, rows: Int32Array.of(0), cols: Int32Array.of(0), values: Float32Array.of(1) },
    1,
    1,
  );
  assert.throws(() => temporalSplit(plain, { cut: 1 }), /needs timestamps/);
});
