import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { hasEntry } from "../../core/csr.js";
import { readArtifact } from "../artifact/artifact-reader.js";
import { runModelContract } from "../testing/model-contract.js";
import { checkerboard } from "../testing/synthetic.js";
import { ElsaModel, type ElsaOptions } from "./elsa-model.js";

// The paper's model (no dropout, no ridge), in small batches: the known answers hold for it.
const SMALL: ElsaOptions = {
  factors: 4,
  epochs: 60,
  learningRate: 0.05,
  batchSize: 4,
  seed: 7,
  dropout: 0,
  ridge: 0,
};
const data = checkerboard(12, 10);
const users = Int32Array.from({ length: 12 }, (_, u) => u);

runModelContract("elsa", () => new ElsaModel(SMALL));

async function fitted(options: ElsaOptions = SMALL): Promise<ElsaModel> {
  const model = new ElsaModel(options);
  await model.fit(data);
  return model;
}

test("elsa recommends each checkerboard user's skipped same-parity item first", async () => {
  // Also with whole-data steps, dropout and the ridge penalty (the regularised model).
  const regularised: ElsaOptions = { ...SMALL, batchSize: 0, epochs: 150, dropout: 0.3, ridge: 1 };
  for (const model of [await fitted(), await fitted(regularised)]) {
    const recs = model.recommend(users, { k: 1, exclude: data.matrix });
    for (let u = 0; u < 12; u++) assert.equal(recs.items[u], (u + 2) % 10, `user ${u}`);
  }
});

test("elsa's training loss decreases and training is deterministic per seed", async () => {
  const losses: number[] = [];
  const a = await fitted({ ...SMALL, onEpoch: (state) => losses.push(state.loss) });
  assert.equal(losses.length, SMALL.epochs);
  assert.ok(losses[losses.length - 1] < 0.5 * losses[0], `loss went ${losses[0]} → ${losses.at(-1)}`);
  assert.equal(a.lastLoss, losses.at(-1));
  const b = await fitted();
  assert.deepEqual(b.itemFactors, a.itemFactors);
  const c = await fitted({ ...SMALL, seed: 8 });
  assert.notDeepEqual(c.itemFactors, a.itemFactors);
  const denoised = await fitted({ ...SMALL, dropout: 0.3 });
  assert.deepEqual((await fitted({ ...SMALL, dropout: 0.3 })).itemFactors, denoised.itemFactors);
});

test("elsa's item rows have unit norm and similar items share parity", async () => {
  const model = await fitted();
  const d = model.factors;
  const a = model.itemFactors;
  for (let i = 0; i < 10; i++) assert.ok(Math.abs(Math.hypot(...a.subarray(i * d, (i + 1) * d)) - 1) < 1e-5);
  const similar = model.similarItems(
    Int32Array.from({ length: 10 }, (_, i) => i),
    3,
  );
  for (let i = 0; i < 10; i++) {
    for (let s = 0; s < 3; s++) {
      assert.notEqual(similar.items[i * 3 + s], i);
      assert.equal(similar.items[i * 3 + s] % 2, i % 2, `item ${i}`);
    }
  }
});

test("elsa's userVector reproduces a training user's scores (x·A·Aᵀ − x)", async () => {
  const model = await fitted();
  const d = model.factors;
  const a = model.itemFactors;
  const m = data.matrix;
  for (const u of [0, 5]) {
    const from = m.indptr[u];
    const to = m.indptr[u + 1];
    const q = model.userVector(m.indices.subarray(from, to), m.values.subarray(from, to));
    assert.equal(q.length, d);
    const recs = model.recommend(Int32Array.of(u), { k: 10 });
    for (let s = 0; s < 10; s++) {
      const item = recs.items[s];
      let expected = -(hasEntry(m, u, item) ? 1 : 0);
      for (let j = 0; j < d; j++) expected += q[j] * a[item * d + j];
      assert.ok(Math.abs(recs.scores[s] - expected) < 1e-5, `user ${u} item ${item}`);
    }
  }
  // A new user who liked two even items is steered to the other even items.
  const q = model.userVector(Int32Array.of(0, 2));
  let even = 0;
  let odd = 0;
  for (let i = 4; i < 10; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += q[j] * a[i * d + j];
    if (i % 2 === 0) even += s;
    else odd += s;
  }
  assert.ok(even > odd);
  assert.throws(() => model.userVector(Int32Array.of(10)), RangeError);
});

test("elsa scores a user unknown to the model with the mean training user", async () => {
  const model = await fitted();
  const padded = model.recommend(Int32Array.of(0, -1), { k: 12 });
  assert.deepEqual([...padded.items.subarray(10, 12)], [-1, -1]);
  assert.equal(new Set(padded.items.subarray(12, 22)).size, 10, "an unknown user gets the whole catalogue");
  assert.ok(padded.scores[12] > padded.scores[21]);
});

test("a saved and loaded elsa model scores identically", async () => {
  const model = await fitted();
  const dir = await mkdtemp(join(tmpdir(), "palate-elsa-"));
  try {
    await model.save(join(dir, "v1"));
    const artifact = await readArtifact(join(dir, "v1"));
    assert.equal(artifact.manifest.kind, "elsa");
    assert.deepEqual(artifact.manifest.matrices["elsa.item_factors"].shape, [10, 4]);
    const loaded = ElsaModel.fromArtifact(artifact);
    assert.deepEqual(loaded.options, model.options);
    const batch = Int32Array.of(...users, -1);
    const before = model.recommend(batch, { k: 4, exclude: data.matrix });
    const after = loaded.recommend(batch, { k: 4, exclude: data.matrix });
    assert.deepEqual(after.items, before.items);
    assert.deepEqual(after.scores, before.scores);
    await assert.rejects(model.save(join(dir, "v1")), /immutable/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
