import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { hasEntry } from "../../core/csr.js";
import { loadModel } from "../model-kinds.js";
import type { Recommender } from "../recommender.js";
import { checkerboard } from "./synthetic.js";

/** The tests every model passes (after `implicit`'s shared suite), on checkerboard data. */
export function runModelContract(name: string, create: () => Recommender): void {
  const data = checkerboard(12, 10);
  const users = Int32Array.from({ length: 12 }, (_, u) => u);

  test(`${name}: recommendations are parallel arrays of k per user, seen items excluded`, async () => {
    const model = create();
    await model.fit(data);
    const recs = model.recommend(users, { k: 3, exclude: data.matrix });
    assert.equal(recs.items.length, 12 * 3);
    assert.equal(recs.scores.length, 12 * 3);
    for (let u = 0; u < 12; u++) {
      for (let s = 0; s < 3; s++) {
        const item = recs.items[u * 3 + s];
        if (item < 0) continue;
        assert.ok(!hasEntry(data.matrix, u, item), `user ${u} was recommended seen item ${item}`);
        if (s > 0) assert.ok(recs.scores[u * 3 + s] <= recs.scores[u * 3 + s - 1], "scores must descend");
      }
    }
  });

  test(`${name}: k beyond the catalogue pads with -1 and candidates restrict the ranking`, async () => {
    const model = create();
    await model.fit(data);
    const recs = model.recommend(Int32Array.of(0), { k: 15 });
    const real = [...recs.items].filter((i) => i >= 0);
    assert.equal(new Set(real).size, real.length, "no item twice");
    assert.equal(real.length, 10);
    assert.deepEqual([...recs.items.subarray(10)], [-1, -1, -1, -1, -1]);
    const restricted = model.recommend(Int32Array.of(1), { k: 5, candidates: Int32Array.of(3, 4) });
    assert.deepEqual([...restricted.items].filter((i) => i >= 0).sort(), [3, 4]);
  });

  test(`${name}: a saved and loaded model scores identically`, async () => {
    const model = create();
    await model.fit(data);
    const dir = await mkdtemp(join(tmpdir(), "palate-model-"));
    try {
      await model.save(join(dir, "v1"));
      const { model: loaded, train } = await loadModel(join(dir, "v1"));
      assert.deepEqual(train.indices, data.matrix.indices);
      assert.equal(loaded.kind, model.kind);
      const a = model.recommend(users, { k: 4, exclude: data.matrix });
      const b = loaded.recommend(users, { k: 4, exclude: data.matrix });
      assert.deepEqual(b.items, a.items);
      assert.deepEqual(b.scores, a.scores);
      await assert.rejects(model.save(join(dir, "v1")), /immutable/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
