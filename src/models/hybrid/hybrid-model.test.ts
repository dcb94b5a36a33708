import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildCsr } from "../../core/csr.js";
import { loadModel } from "../model-kinds.js";
import { runModelContract } from "../testing/model-contract.js";
import { checkerboard } from "../testing/synthetic.js";
import { bucketOf, searchBlendWeights } from "./blend-search.js";
import { ColdItemProjection } from "./cold-item-projection.js";
import { HybridModel } from "./hybrid-model.js";
import type { HybridOptions } from "./hybrid-options.js";
import type { HybridPart } from "./hybrid-part.js";

/** Small, fast parts: the contract checks behaviour, not quality. */
const SMALL: HybridOptions = {
  als: { factors: 8, iterations: 6, threads: 0 },
  elsa: { factors: 8, epochs: 10 },
  cleora: { dimensions: 16, threads: 1 },
  validation: { maxUsersPerBucket: 50 },
};

runModelContract("hybrid", () => new HybridModel(SMALL));

test("hybrid recommends each checkerboard user the same-parity item they skipped", async () => {
  const data = checkerboard(40, 12);
  const model = new HybridModel(SMALL);
  await model.fit(data);
  const users = Int32Array.from({ length: 40 }, (_, u) => u);
  const recs = model.recommend(users, { k: 1, exclude: data.matrix });
  let hits = 0;
  for (let u = 0; u < 40; u++) if (recs.items[u] === (u + 2) % 12) hits++;
  assert.ok(hits >= 36, `only ${hits}/40 users got their skipped item first`);
  // Items liked by the same users are similar: item 0's neighbours are even items.
  const similar = model.similarItems(Int32Array.of(0), 3);
  assert.deepEqual(
    [...similar.items].map((i) => i % 2),
    [0, 0, 0],
  );
  const weights = model.describeWeights();
  assert.deepEqual(Object.keys(weights), ["cold", "warm", "hot", "new"]);
});

test("history buckets split at coldMax and warmMax", () => {
  const buckets = { coldMax: 5, warmMax: 50 };
  assert.deepEqual(
    [0, 5, 6, 50, 51].map((n) => bucketOf(n, buckets)),
    [0, 0, 1, 1, 2],
  );
});

/** A one-dimensional part whose query is 1, so an item's score is its value. */
function constantQueryPart(name: HybridPart["name"], values: number[]): HybridPart {
  return {
    name,
    dims: 1,
    items: Float32Array.from(values),
    query: (_h, out) => {
      out[0] = 1;
    },
  };
}

test("blend search gives weight to the part that ranks held-out items first", () => {
  // 6 items, 1 dim. The "oracle" part scores item 5 highest (the relevant one); "noise" scores
  // item 0 highest. Equal weights rank item 0 first; the search must lean on the oracle.
  const oracle = constantQueryPart("als", [0, 0.1, 0.2, 0.3, 0.4, 1]);
  const noise = constantQueryPart("cleora", [5, 1, 1, 1, 1, 0]);
  const history = { userIndex: 0, items: new Int32Array(0), values: new Float32Array(0) };
  const found = searchBlendWeights(
    [oracle, noise],
    Float32Array.of(1, 1),
    [{ history, relevant: Int32Array.of(5) }],
    6,
    {
      k: 1,
      poolPerPart: 6,
    },
  );
  assert.equal(found.ndcg, 1);
  assert.ok(found.weights[0] * 1 > found.weights[1] * 5 - 1e-6, `weights ${[...found.weights]}`);
});

test("bagged blend search: the mean of normalised bootstrap searches, deterministic per seed", () => {
  // Item 5 is every user's held-out item; only the "als" part ranks it first. Each bag must lean
  // on it, so the mean keeps most of the weight there, sums to 1, and repeats for the same seed.
  const parts = [
    constantQueryPart("als", [0, 0.1, 0.2, 0.3, 0.4, 1]),
    constantQueryPart("cleora", [5, 1, 1, 1, 1, 0]),
  ];
  const users = Array.from({ length: 12 }, (_, u) => ({
    history: { userIndex: u, items: new Int32Array(0), values: new Float32Array(0) },
    relevant: Int32Array.of(5),
  }));
  const search = (seed: number) =>
    searchBlendWeights(parts, Float32Array.of(1, 1), users, 6, { k: 1, poolPerPart: 6, bags: 5, seed });
  const found = search(3);
  assert.equal(found.ndcg, 1);
  assert.ok(Math.abs(found.weights[0] + found.weights[1] - 1) < 1e-6, `weights ${[...found.weights]}`);
  assert.ok(found.weights[0] > 5 * found.weights[1], `weights ${[...found.weights]}`);
  assert.deepEqual(search(3).weights, found.weights);
});

test("the cold-item projection recovers a linear map from content to factors", () => {
  // Targets are exactly y = 2·c0 − c1 + 0.5, so a tiny ridge penalty must reproduce them.
  const n = 20;
  const content = new Float32Array(n * 2);
  const target = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    content[i * 2] = Math.sin(i);
    content[i * 2 + 1] = Math.cos(3 * i);
    target[i] = 2 * content[i * 2] - content[i * 2 + 1] + 0.5;
  }
  const warm = Int32Array.from({ length: n }, (_, i) => i);
  const projection = ColdItemProjection.fit(content, 2, target, 1, warm, 1e-6);
  const out = new Float32Array(1);
  projection.predict(Float32Array.of(0.3, -0.2), out);
  assert.ok(Math.abs(out[0] - (2 * 0.3 + 0.2 + 0.5)) < 1e-3, `predicted ${out[0]}`);
});

test("a new item with metadata only gets predicted cf and graph vectors", async () => {
  // Items 0–5 are "a" and liked by even users, 6–11 "b" by odd users; item 12 ("a") has no
  // interactions. Its predicted vectors must make it score higher for even users than odd ones.
  const rows: number[] = [];
  const cols: number[] = [];
  for (let u = 0; u < 30; u++)
    for (let i = u % 2 === 0 ? 0 : 6; i < (u % 2 === 0 ? 6 : 12); i++) {
      if ((u + i) % 5 === 0) continue;
      rows.push(u);
      cols.push(i);
    }
  const matrix = buildCsr(
    {
      length: rows.length,
      rows: Int32Array.from(rows),
      cols: Int32Array.from(cols),
      values: new Float32Array(rows.length).fill(1),
    },
    30,
    13,
  );
  const base = checkerboard(30, 13);
  const itemMeta = Array.from({ length: 13 }, (_, i) => ({
    itemId: `i${i}`,
    categories: [i < 6 || i === 12 ? "a" : "b"],
    attributes: {},
  }));
  const model = new HybridModel(SMALL);
  await model.fit({ ...base, matrix, itemMeta });
  const recs = model.recommend(Int32Array.of(0, 1), { k: 13, candidates: Int32Array.of(12) });
  assert.ok(recs.scores[0] > recs.scores[13], `even ${recs.scores[0]} vs odd ${recs.scores[13]}`);

  // The projections travel with the artifact, so items added at serving time get the same.
  const dir = await mkdtemp(join(tmpdir(), "palate-hybrid-"));
  try {
    await model.save(join(dir, "v"));
    const { model: loaded } = await loadModel(join(dir, "v"));
    const before = model.learned.projections;
    const after = (loaded as HybridModel).learned.projections;
    assert.deepEqual([...after.keys()].sort(), ["als", "cleora"]);
    for (const [name, p] of before) assert.deepEqual(after.get(name)?.weights, p.weights);
    const again = loaded.recommend(Int32Array.of(0, 1), { k: 13, candidates: Int32Array.of(12) });
    assert.deepEqual(again.scores, recs.scores);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("imported embeddings join the blend as the external part and survive a round trip", async () => {
  const data = checkerboard(30, 10);
  // A "two-tower" item side that knows each item's parity.
  const items = {
    ids: data.items.toArray(),
    dims: 2,
    vectors: Float32Array.from({ length: 20 }, (_, e) => ((e >> 1) % 2 === e % 2 ? 1 : 0)),
  };
  const model = new HybridModel({ ...SMALL, external: { items } });
  await model.fit(data);
  assert.ok(model.learned.parts.some((p) => p.name === "external"));
  const users = Int32Array.from({ length: 30 }, (_, u) => u);
  const before = model.recommend(users, { k: 3, exclude: data.matrix });
  const dir = await mkdtemp(join(tmpdir(), "palate-hybrid-ext-"));
  try {
    await model.save(join(dir, "v"));
    const { model: loaded } = await loadModel(join(dir, "v"));
    const after = loaded.recommend(users, { k: 3, exclude: data.matrix });
    assert.deepEqual(after.items, before.items);
    assert.deepEqual(after.scores, before.scores);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
