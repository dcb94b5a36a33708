import assert from "node:assert/strict";
import { test } from "node:test";
import type { Item } from "../../core/types.js";
import { Random } from "../../math/random.js";
import { createSpmmPool, sharedFloat32 } from "../../math/spmm.js";
import { buildCleoraGraph } from "./cleora-graph.js";
import { CleoraModel } from "./cleora-model.js";
import type { CleoraOptions } from "./cleora-options.js";
import { fillInitialVectors, hashNodes } from "./node-hash.js";
import { multiplyOn, propagate } from "./propagate.js";
import { cosine, fromPairs, meanCosine, twoCommunities } from "./testing/graphs.js";

test("starting vectors depend on the id and node kind only", () => {
  const d = 16;
  const a = new Float32Array(2 * d);
  const b = new Float32Array(2 * d);
  fillInitialVectors(hashNodes("user", ["42", "7"]), d, "sign", 0, a);
  fillInitialVectors(hashNodes("user", ["7", "42"]), d, "sign", 0, b);
  assert.deepEqual(a.subarray(0, d), b.subarray(d));
  assert.ok(a.every((v) => v === 1 || v === -1));
  const item = new Float32Array(d);
  fillInitialVectors(hashNodes("item", ["42"]), d, "sign", 0, item);
  assert.notDeepEqual(item, a.subarray(0, d));
  const uniform = new Float32Array(d);
  fillInitialVectors(hashNodes("user", ["42"]), d, "uniform", 0, uniform);
  assert.ok(uniform.every((v) => v >= -1 && v < 1));
});

test("the same ids give the same embeddings whatever the order of users, items and rows", async () => {
  const pairs = twoCommunities(30, 12, 5, 1);
  const shuffled = new Random(9).shuffle([...pairs]);
  const one = new CleoraModel({ dimensions: 16, threads: 1 });
  const two = new CleoraModel({ dimensions: 16, threads: 1 });
  const dataOne = fromPairs(pairs);
  const dataTwo = fromPairs(shuffled);
  assert.notDeepEqual(dataOne.items.toArray(), dataTwo.items.toArray());
  await one.fit(dataOne);
  await two.fit(dataTwo);
  for (const [dictOne, dictTwo, x, y] of [
    [dataOne.items, dataTwo.items, one.itemEmbeddings, two.itemEmbeddings],
    [dataOne.users, dataTwo.users, one.userEmbeddings, two.userEmbeddings],
  ] as const) {
    for (const id of dictOne.toArray()) {
      const a = dictOne.indexOf(id);
      const b = dictTwo.indexOf(id);
      for (let j = 0; j < 16; j++)
        assert.ok(Math.abs(x[a * 16 + j] - y[b * 16 + j]) < 1e-5, `${id} dim ${j}`);
    }
  }
});

test("vectors are unit length, and nodes without edges are zero", async () => {
  const data = fromPairs(twoCommunities(20, 10, 4, 2), [
    { itemId: "lonely", categories: [], attributes: {} },
  ]);
  for (const whiten of [true, false]) {
    const model = new CleoraModel({ dimensions: 24, threads: 1, whiten });
    await model.fit(data);
    for (const x of [model.itemEmbeddings, model.userEmbeddings]) {
      for (let r = 0; r < x.length / 24; r++) {
        const norm = Math.hypot(...x.subarray(r * 24, (r + 1) * 24));
        if (r === 0 && x === model.itemEmbeddings) assert.equal(norm, 0, "the item without users");
        else assert.ok(Math.abs(norm - 1) < 1e-5, `row ${r} has norm ${norm}`);
      }
    }
  }
});

// The structural properties below are those of Cleora's propagation, so they are asserted on the
// raw vectors (whiten: false). Whitening then trades cluster tightness for discrimination: it
// gives the weak within-cluster directions the same variance as the between-cluster one.
test("two communities without shared edges separate: within-community cosine ≫ cross-community", async () => {
  const data = fromPairs(twoCommunities(40, 15, 5, 3));
  const ids = data.items.toArray();
  const community = (c: number) => ids.flatMap((id, i) => (id.startsWith(`c${c}-`) ? [i] : []));
  const separation = async (whiten: boolean) => {
    const model = new CleoraModel({ dimensions: 64, threads: 1, whiten });
    await model.fit(data);
    const x = model.itemEmbeddings;
    const within =
      (meanCosine(x, 64, community(0), community(0)) + meanCosine(x, 64, community(1), community(1))) / 2;
    return { within, cross: meanCosine(x, 64, community(0), community(1)) };
  };
  // Each community's vectors converge towards one direction of their own; two such directions
  // drawn from hashes are near-orthogonal in 64 dimensions (cosine ~ ±1/8).
  const raw = await separation(false);
  assert.ok(raw.within > 0.6 && Math.abs(raw.cross) < 0.3, `within ${raw.within}, cross ${raw.cross}`);
  const whitened = await separation(true);
  assert.ok(whitened.within > whitened.cross, `whitened: within ${whitened.within}, cross ${whitened.cross}`);
});

test("attribute hyperedges pull items with a shared attribute together", async () => {
  // Every item has users of its own, so only the attributes relate items.
  const meta: Item[] = Array.from({ length: 12 }, (_, i) => ({
    itemId: `m${i}`,
    categories: [i < 6 ? "Comedy" : "Drama"],
    attributes: {},
  }));
  const pairs = meta.flatMap((item, i) =>
    [0, 1, 2].map((u) => [`u${i}-${u}`, item.itemId] as [string, string]),
  );
  const data = fromPairs(pairs, meta);
  const comedies = [0, 1, 2, 3, 4, 5];
  const dramas = [6, 7, 8, 9, 10, 11];
  const fitted = async (options: CleoraOptions) => {
    const model = new CleoraModel({ dimensions: 32, threads: 1, whiten: false, ...options });
    await model.fit(data);
    return model;
  };
  const shared = (m: CleoraModel) => meanCosine(m.itemEmbeddings, 32, comedies, comedies);
  const across = (m: CleoraModel) => meanCosine(m.itemEmbeddings, 32, comedies, dramas);
  const plain = await fitted({});
  assert.ok(Math.abs(shared(plain)) < 0.3, `without attributes comedies are unrelated (${shared(plain)})`);
  // As plain neighbours the genre is a quarter of each item's mean (3 users + 1 genre).
  const uniform = await fitted({ attributes: "categories" });
  assert.ok(shared(uniform) > 0.4 && shared(uniform) - across(uniform) > 0.4, `uniform: ${shared(uniform)}`);
  const withGenres = await fitted({ attributes: "categories", attributeShare: 0.5 });
  assert.ok(
    shared(withGenres) > 0.8 && shared(withGenres) - across(withGenres) > 0.8,
    `share: ${shared(withGenres)}`,
  );
  assert.deepEqual(withGenres.attributeNames, ["category:Comedy", "category:Drama"]);

  // A new item embedded from its attributes lands among the items that share them.
  const fresh = withGenres.embedItem(["category:Comedy", "unknown:key"]);
  assert.ok(fresh);
  const x = new Float32Array([...withGenres.itemEmbeddings, ...fresh]);
  assert.ok(meanCosine(x, 32, [12], comedies) > 0.8);
  assert.ok(meanCosine(x, 32, [12], dramas) < 0);
  assert.equal(withGenres.embedItem(["unknown:key"]), null);
  assert.equal(plain.embedItem(["category:Comedy"]), null);

  const similar = withGenres.similarItems(Int32Array.of(0, -1), 5);
  assert.deepEqual([...similar.items.subarray(0, 5)].sort(), [1, 2, 3, 4, 5]);
  assert.deepEqual([...similar.items.subarray(5)], [-1, -1, -1, -1, -1]);
});

test("propagation on a worker pool equals propagation on the calling thread", async () => {
  const data = fromPairs(twoCommunities(25, 10, 4, 5));
  const graph = buildCleoraGraph(data.matrix, [], { weighted: false, attributeShare: undefined });
  const n = graph.adjacency.nRows;
  const start = () => {
    const x = sharedFloat32(n * 8);
    fillInitialVectors(
      hashNodes(
        "user",
        Array.from({ length: n }, (_, i) => `${i}`),
      ),
      8,
      "sign",
      0,
      x,
    );
    return x;
  };
  const { x: inline } = await propagate(graph.adjacency, start(), 8, 3, multiplyOn(null));
  const pool = createSpmmPool(2);
  try {
    const { x: parallel } = await propagate(graph.adjacency, start(), 8, 3, multiplyOn(pool));
    assert.deepEqual(parallel, inline);
    assert.ok(Math.abs(cosine(inline, 8, 0, 1)) <= 1);
  } finally {
    await pool.close();
  }
});
