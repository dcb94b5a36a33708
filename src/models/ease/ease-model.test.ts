import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { hasEntry } from "../../core/csr.js";
import { choleskyFactor, choleskySolve } from "../../math/cholesky.js";
import { loadModel } from "../model-kinds.js";
import { runModelContract } from "../testing/model-contract.js";
import { checkerboard } from "../testing/synthetic.js";
import { EaseModel } from "./ease-model.js";

const data = checkerboard(12, 10);
const nItems = 10;
const users = Int32Array.from({ length: 12 }, (_, u) => u);

runModelContract("ease", () => new EaseModel({ rank: 4, lambda: 2 }));

/** EASE by its closed form (Steck 2019): B = I − P·diag(1/diag P), P = (XᵀX + λI)⁻¹, X binary. */
function exactEase(lambda: number): Float64Array {
  const g = new Float64Array(nItems * nItems);
  const m = data.matrix;
  for (let u = 0; u < m.nRows; u++)
    for (let a = m.indptr[u]; a < m.indptr[u + 1]; a++)
      for (let b = m.indptr[u]; b < m.indptr[u + 1]; b++) g[m.indices[a] * nItems + m.indices[b]] += 1;
  for (let i = 0; i < nItems; i++) g[i * nItems + i] += lambda;
  assert.ok(choleskyFactor(g, nItems));
  const p = new Float64Array(nItems * nItems);
  for (let c = 0; c < nItems; c++) {
    const column = new Float64Array(nItems);
    column[c] = 1;
    choleskySolve(g, nItems, column);
    for (let r = 0; r < nItems; r++) p[r * nItems + c] = column[r];
  }
  const b = new Float64Array(nItems * nItems);
  for (let i = 0; i < nItems; i++)
    for (let j = 0; j < nItems; j++)
      b[i * nItems + j] = (i === j ? 1 : 0) - p[i * nItems + j] / p[j * nItems + j];
  return b;
}

test("ease with every eigenpair scores unseen items exactly as closed-form EASE", async () => {
  for (const lambda of [0.5, 3, 20]) {
    const model = new EaseModel({ rank: nItems, lambda });
    await model.fit(data);
    const b = exactEase(lambda);
    const recs = model.recommend(users, { k: nItems, exclude: data.matrix });
    for (let u = 0; u < 12; u++) {
      for (let s = 0; s < nItems; s++) {
        const item = recs.items[u * nItems + s];
        if (item < 0) continue;
        assert.ok(!hasEntry(data.matrix, u, item));
        let expected = 0;
        for (let e = data.matrix.indptr[u]; e < data.matrix.indptr[u + 1]; e++)
          expected += b[data.matrix.indices[e] * nItems + item];
        const got = recs.scores[u * nItems + s];
        assert.ok(
          Math.abs(got - expected) < 1e-4 * (1 + Math.abs(expected)),
          `λ ${lambda} user ${u} item ${item}: ${got} vs ${expected}`,
        );
      }
    }
  }
});

test("ease recommends each checkerboard user's skipped same-parity item first", async () => {
  const model = new EaseModel({ rank: 4, lambda: 2 });
  await model.fit(data);
  const recs = model.recommend(users, { k: 1, exclude: data.matrix });
  for (let u = 0; u < 12; u++) assert.equal(recs.items[u], (u + 2) % 10, `user ${u}`);
});

test("withLambda equals a model fitted with that λ, and fitting is deterministic", async () => {
  const a = new EaseModel({ rank: 6, lambda: 1 });
  await a.fit(data);
  const b = new EaseModel({ rank: 6, lambda: 7 });
  await b.fit(data);
  const switched = a.withLambda(7);
  assert.equal(switched.params.lambda, 7);
  assert.deepEqual(switched.itemFactors, b.itemFactors);
  assert.notDeepEqual(a.itemFactors, b.itemFactors);
  const again = new EaseModel({ rank: 6, lambda: 1 });
  await again.fit(data);
  assert.deepEqual(again.itemFactors, a.itemFactors);
});

test("ease's user vector of a training user's history reproduces that user's scores", async () => {
  const model = new EaseModel({ rank: 6, lambda: 2 });
  await model.fit(data);
  const m = data.matrix;
  const q = model.userVector(m.indices.subarray(m.indptr[3], m.indptr[4]));
  const recs = model.recommend(Int32Array.of(3), { k: 1, exclude: m });
  const item = recs.items[0];
  let score = 0;
  for (let j = 0; j < model.dims; j++) score += q[j] * model.itemFactors[item * model.dims + j];
  assert.ok(Math.abs(score - recs.scores[0]) < 1e-5);
  assert.throws(() => model.userVector(Int32Array.of(10)), /item 10 out of range/);
  assert.throws(() => new EaseModel({ lambda: 0 }), /lambda/);
});

test("an ease artifact whose eigenvalues do not match its vectors fails to load, naming them", async () => {
  const model = new EaseModel({ rank: 4, lambda: 2 });
  await model.fit(data);
  const dir = await mkdtemp(join(tmpdir(), "palate-ease-"));
  try {
    await model.save(join(dir, "v1"));
    const manifestPath = join(dir, "v1", "manifest.json");
    const manifest = JSON.parse(await readFile(manifestPath, "utf8"));
    manifest.matrices["ease.values"].shape = [3];
    await writeFile(manifestPath, JSON.stringify(manifest));
    await assert.rejects(loadModel(join(dir, "v1")), /ease\.values/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
