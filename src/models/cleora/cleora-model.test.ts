import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { hasEntry } from "../../core/csr.js";
import type { Item } from "../../core/types.js";
import { readArtifact } from "../artifact/artifact-reader.js";
import { checkerboard } from "../testing/synthetic.js";
import { CleoraModel } from "./cleora-model.js";

// The shared contract (model-contract.ts) loads artifacts through model-kinds.ts, which does not
// know "cleora" until it is registered; until then its checks are repeated here.
const data = checkerboard(12, 10);
const users = Int32Array.from({ length: 12 }, (_, u) => u);

test("cleora: k per user as parallel arrays, seen items excluded, scores descending", async () => {
  const model = new CleoraModel({ threads: 1 });
  await model.fit(data);
  const recs = model.recommend(users, { k: 3, exclude: data.matrix });
  assert.equal(recs.items.length, 36);
  assert.equal(recs.scores.length, 36);
  for (let u = 0; u < 12; u++) {
    for (let s = 0; s < 3; s++) {
      const item = recs.items[u * 3 + s];
      assert.ok(item >= 0);
      assert.ok(!hasEntry(data.matrix, u, item), `user ${u} was recommended seen item ${item}`);
      if (s > 0) assert.ok(recs.scores[u * 3 + s] <= recs.scores[u * 3 + s - 1]);
    }
  }
});

test("cleora: checkerboard known answer, each user's skipped item comes first", async () => {
  for (const whiten of [true, false]) {
    const model = new CleoraModel({ threads: 1, whiten });
    await model.fit(data);
    const recs = model.recommend(users, { k: 1, exclude: data.matrix });
    assert.deepEqual(
      [...recs.items],
      [...users].map((u) => (u + 2) % 10),
      `whiten=${whiten}`,
    );
  }
});

test("cleora: padding beyond the catalogue, candidates, and empty rows for unknown users", async () => {
  const model = new CleoraModel({ threads: 1 });
  await model.fit(data);
  const all = model.recommend(Int32Array.of(0), { k: 15 });
  const real = [...all.items].filter((i) => i >= 0);
  assert.equal(new Set(real).size, 10);
  assert.deepEqual([...all.items.subarray(10)], [-1, -1, -1, -1, -1]);
  const restricted = model.recommend(Int32Array.of(1), { k: 5, candidates: Int32Array.of(3, 4) });
  assert.deepEqual([...restricted.items].filter((i) => i >= 0).sort(), [3, 4]);
  const unknown = model.recommend(Int32Array.of(-1, 99, 2), { k: 2, exclude: data.matrix });
  assert.deepEqual([...unknown.items.subarray(0, 4)], [-1, -1, -1, -1]);
  assert.deepEqual([...unknown.scores.subarray(0, 4)], Array(4).fill(Number.NEGATIVE_INFINITY));
  assert.equal(unknown.items[4], 4);
});

test("cleora: a saved and loaded model scores identically", async () => {
  const meta: Item[] = Array.from({ length: 10 }, (_, i) => ({
    itemId: `i${i}`,
    categories: [i % 3 === 0 ? "A" : "B"],
    attributes: {},
  }));
  const withMeta = { ...data, itemMeta: meta };
  const model = new CleoraModel({
    threads: 1,
    attributes: "categories",
    attributeShare: 0.2,
    dimensions: 24,
  });
  await model.fit(withMeta);
  const dir = await mkdtemp(join(tmpdir(), "palate-cleora-"));
  try {
    await model.save(join(dir, "v1"));
    const artifact = await readArtifact(join(dir, "v1"));
    assert.equal(artifact.manifest.kind, "cleora");
    assert.deepEqual(artifact.manifest.matrices["cleora.user_embeddings"].shape, [12, 24]);
    assert.deepEqual(artifact.manifest.matrices["cleora.item_embeddings"].shape, [10, 24]);
    const loaded = CleoraModel.fromArtifact(artifact);
    assert.deepEqual(loaded.options, { ...model.options, threads: loaded.options.threads });
    const a = model.recommend(users, { k: 4, exclude: data.matrix });
    const b = loaded.recommend(users, { k: 4, exclude: data.matrix });
    assert.deepEqual(b.items, a.items);
    assert.deepEqual(b.scores, a.scores);
    assert.deepEqual(loaded.similarItems(Int32Array.of(3), 3), model.similarItems(Int32Array.of(3), 3));
    assert.deepEqual(loaded.embedItem(["category:A"]), model.embedItem(["category:A"]));
    await assert.rejects(model.save(join(dir, "v1")), /immutable/);
    await assert.rejects(new CleoraModel().save(join(dir, "v2")), /before fit/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("cleora: options are validated", () => {
  assert.throws(() => new CleoraModel({ dimensions: 0 }), /dimensions/);
  assert.throws(() => new CleoraModel({ iterations: 1.5 }), /iterations/);
  assert.throws(() => new CleoraModel({ attributeShare: 2 }), /attributeShare/);
});
