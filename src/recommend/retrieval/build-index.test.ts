import assert from "node:assert/strict";
import { test } from "node:test";
import { AnnIndex } from "./ann-index.js";
import { BackgroundAnnIndex } from "./background-index.js";
import { buildVectorIndex, exactThreshold } from "./build-index.js";
import { ExactIndex } from "./exact-index.js";
import { lowRankQueries, lowRankVectors } from "./testing/low-rank-vectors.js";

const DIMS = 16;
const data = lowRankVectors(1200, DIMS, { seed: 3 });
const [query] = lowRankQueries(1, DIMS, data.basis, data.rank);

test("the threshold picks the exact scan for small catalogues and scales with dims", () => {
  assert.ok(buildVectorIndex(data.matrix, 1200, DIMS, { exactBelow: 2000 }) instanceof ExactIndex);
  assert.ok(
    buildVectorIndex(data.matrix, 1200, DIMS, { exactBelow: 1000, background: false }) instanceof AnnIndex,
  );
  assert.ok(exactThreshold(64) > exactThreshold(400));
  assert.throws(() => buildVectorIndex(data.matrix, 1200, DIMS, { exactBelow: 0, m: 1 }), /HNSW params/);
});

test("a background build serves exact results at once, then switches with upserts replayed", async () => {
  const reports: unknown[] = [];
  const index = buildVectorIndex(data.matrix, 1200, DIMS, {
    exactBelow: 100,
    onAnnReady: (report) => reports.push(report),
  });
  assert.ok(index instanceof BackgroundAnnIndex);
  try {
    assert.equal(index.annReady, false);
    const exact = index.search(query, 5);
    assert.equal(exact.indices.length, 5);
    // Added and changed while the worker builds from its snapshot.
    index.upsert(
      1200,
      query.map((v) => 50 * v),
    );
    index.upsert(
      7,
      query.map((v) => 40 * v),
    );
    assert.deepEqual([...index.search(query, 2).indices], [1200, 7]);
    const report = await index.ready;
    assert.equal(report.error, undefined);
    assert.equal(index.annReady, true);
    assert.deepEqual([...index.search(query, 2).indices], [1200, 7]);
    index.upsert(
      1201,
      query.map((v) => 60 * v),
    );
    assert.deepEqual([...index.search(query, 3).indices], [1201, 1200, 7]);
    assert.equal(index.size, 1202);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(reports.length, 1);
  } finally {
    await index.close();
  }
});
