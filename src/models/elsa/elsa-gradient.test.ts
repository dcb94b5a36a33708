import assert from "node:assert/strict";
import { test } from "node:test";
import { buildCsr, type CsrMatrix } from "../../core/csr.js";
import { Random } from "../../math/random.js";
import { backThroughNormalization, gram, normalizeRows } from "./dense-kernels.js";
import { batchGradient, GradientScratch } from "./elsa-gradient.js";

const N = 7;
const D = 3;

function randomMatrix(rng: Random, users: number): CsrMatrix {
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let u = 0; u < users; u++) {
    for (let i = 0; i < N; i++) {
      if (rng.next() < 0.6 || i === u % N) {
        rows.push(u);
        cols.push(i);
        values.push(1 + rng.int(3));
      }
    }
  }
  const coo = {
    length: rows.length,
    rows: Int32Array.from(rows),
    cols: Int32Array.from(cols),
    values: Float32Array.from(values),
  };
  return buildCsr(coo, users, N);
}

/** The loss straight from its definition, with the dense prediction, in float64. */
function referenceLoss(x: CsrMatrix, keep: Uint8Array | null, ridge: number, w: Float64Array): number {
  const a = new Float64Array(N * D);
  for (let i = 0; i < N; i++) {
    const norm = Math.hypot(...w.subarray(i * D, (i + 1) * D));
    for (let j = 0; j < D; j++) a[i * D + j] = w[i * D + j] / norm;
  }
  let loss = 0;
  let users = 0;
  for (let u = 0; u < x.nRows; u++) {
    const target = new Float64Array(N);
    const input = new Float64Array(N);
    for (let e = x.indptr[u]; e < x.indptr[u + 1]; e++) {
      target[x.indices[e]] = x.values[e];
      if (keep === null || keep[e] === 1) input[x.indices[e]] = x.values[e];
    }
    if (input.every((v) => v === 0)) continue;
    users++;
    const p = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      for (let k = 0; k < N; k++) {
        let aa = 0;
        for (let j = 0; j < D; j++) aa += a[k * D + j] * a[i * D + j];
        p[i] += input[k] * aa;
      }
      p[i] -= input[i];
    }
    const pn = Math.hypot(...p);
    const xn = Math.hypot(...target);
    for (let i = 0; i < N; i++) loss += (p[i] / pn - target[i] / xn) ** 2;
  }
  let offDiagonal = 0;
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < N; k++) {
      let aa = 0;
      for (let j = 0; j < D; j++) aa += a[k * D + j] * a[i * D + j];
      if (i !== k) offDiagonal += aa * aa;
    }
  }
  return loss / users + (ridge * offDiagonal) / (N * N);
}

for (const [dropout, ridge] of [
  [false, 0],
  [true, 0.7],
] as const) {
  test(`elsa gradient matches finite differences of the loss (dropout ${dropout}, ridge ${ridge})`, () => {
    const rng = new Random(3);
    const x = randomMatrix(rng, 5);
    const keep = dropout ? Uint8Array.from(x.indices, () => (rng.next() < 0.3 ? 0 : 1)) : null;
    const w = Float64Array.from({ length: N * D }, () => rng.normal());
    const a = new Float32Array(N * D);
    const norms = new Float64Array(N);
    normalizeRows(Float32Array.from(w), N, D, a, norms);
    const c = new Float64Array(D * D);
    gram(a, N, D, new Float32Array(N * D), c);
    const grad = new Float32Array(N * D);
    const users = Int32Array.from({ length: x.nRows }, (_, u) => u);
    // With dropout the batch also goes through in chunks of two users.
    const scratch = new GradientScratch(dropout ? 2 : users.length, D);
    const loss = batchGradient(x, users, false, keep, a, N, D, c, grad, scratch, ridge);
    backThroughNormalization(grad, a, norms, N, D);
    assert.ok(Math.abs(loss - referenceLoss(x, keep, ridge, w)) < 1e-5, `loss ${loss}`);
    const h = 1e-6;
    for (let p = 0; p < w.length; p++) {
      const plus = w.slice();
      const minus = w.slice();
      plus[p] += h;
      minus[p] -= h;
      const numeric = (referenceLoss(x, keep, ridge, plus) - referenceLoss(x, keep, ridge, minus)) / (2 * h);
      assert.ok(
        Math.abs(numeric - grad[p]) < 1e-5,
        `parameter ${p}: numeric ${numeric}, analytic ${grad[p]}`,
      );
    }
  });
}

test("gram and normalisation kernels agree with direct sums", () => {
  const rng = new Random(9);
  const n = 11;
  const d = 6;
  const w = Float32Array.from({ length: n * d }, () => rng.normal());
  const a = new Float32Array(n * d);
  const norms = new Float64Array(n);
  normalizeRows(w, n, d, a, norms);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(Math.hypot(...a.subarray(i * d, (i + 1) * d)) - 1) < 1e-6);
  const c = new Float64Array(d * d);
  gram(a, n, d, new Float32Array(n * d), c);
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += a[i * d + j] * a[i * d + k];
      assert.ok(Math.abs(c[j * d + k] - s) < 1e-9);
    }
  }
});
