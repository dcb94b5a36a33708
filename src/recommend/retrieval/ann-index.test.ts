import assert from "node:assert/strict";
import { test } from "node:test";
import { AnnIndex, shortestFirst } from "./ann-index.js";
import { buildVectorIndex } from "./build-index.js";
import { ExactIndex } from "./exact-index.js";
import { ItemRows } from "./item-rows.js";
import { lowRankQueries, lowRankVectors, recallAt } from "./testing/low-rank-vectors.js";

const N = 3000;
const DIMS = 32;
const data = lowRankVectors(N, DIMS, { rank: 8, normSpread: 1, seed: 7 });
const queries = lowRankQueries(200, DIMS, data.basis, data.rank);

test("the ANN path reaches recall@10 ≥ 0.95 against the exact scan, with exact scores", () => {
  const ann = buildVectorIndex(data.matrix, N, DIMS, { exactBelow: 1000, background: false });
  assert.ok(ann instanceof AnnIndex, "a catalogue above the threshold gets the ANN");
  const exact = new ExactIndex(new ItemRows(data.matrix, N, DIMS));
  const found = queries.map((q) => ann.search(q, 10));
  const truth = queries.map((q) => exact.search(q, 10).indices);
  const recall = recallAt(
    found.map((r) => r.indices),
    truth,
  );
  assert.ok(recall >= 0.95, `recall@10 ${recall}`);
  found.forEach(({ indices, scores }, b) => {
    assert.equal(indices.length, 10);
    for (let c = 0; c < 10; c++) {
      assert.ok(Math.abs(scores[c] - ann.rows.dot(indices[c], queries[b])) < 1e-3, "exact re-ranked score");
      if (c > 0) assert.ok(scores[c] <= scores[c - 1], "best first");
    }
  });
});

test("an upserted item is findable at once, and a replaced vector takes effect", () => {
  const matrix = data.matrix.slice(0, 500 * DIMS);
  const ann = AnnIndex.build(new ItemRows(matrix, 500, DIMS), {
    m: 16,
    efConstruction: 64,
    efSearch: 64,
  });
  const q = queries[1];
  const strong = q.map((v) => 1000 * v);
  const tiny = q.map((v) => 1e-3 * v);
  const strongest = q.map((v) => 2000 * v);
  ann.upsert(500, strong);
  assert.equal(ann.size, 501);
  assert.equal(ann.search(q, 5).indices[0], 500);
  // Item 3 first becomes the shortest row, then the longest.
  ann.upsert(3, tiny);
  assert.ok(!ann.search(q, 5).indices.includes(3));
  ann.upsert(3, strongest);
  assert.deepEqual([...ann.search(q, 2).indices], [3, 500]);
});

test("k larger than the catalogue returns every item in exact order", () => {
  const matrix = data.matrix.slice(0, 40 * DIMS);
  const ann = buildVectorIndex(matrix, 40, DIMS, { exactBelow: 0, background: false });
  const exact = new ExactIndex(new ItemRows(matrix, 40, DIMS));
  const got = ann.search(queries[2], 100);
  assert.equal(got.indices.length, 40);
  assert.deepEqual([...got.indices], [...exact.search(queries[2], 100).indices]);
});

test("the graph is built shortest row first", () => {
  const rows = new ItemRows(Float32Array.of(3, 0, 0, 1, 2, 2, 0, 1), 4, 2);
  assert.deepEqual([...shortestFirst(rows)], [1, 3, 2, 0]);
});
