/*
 * ELSA's loss and gradient for one batch of users, without the batch × items prediction matrix.
 *
 * A user's input x̃ is their row x, or x with some entries dropped (denoising). With A the
 * normalised item matrix (n × d), z̃ = x̃A, z = xA and C = AᵀA, the prediction p = z̃Aᵀ − x̃ has
 *   ‖p‖² = z̃ C z̃ᵀ − 2 z̃·z̃ + ‖x̃‖²   and   p·x = z̃·z − ‖x̃‖²,
 * so the per-user loss ‖p/‖p‖ − x/‖x‖‖² = 2(1 − cos(p, x)) needs only d-sized algebra. Its gradient
 * with respect to p is G = αp + βx (α = 2cos/(B‖p‖²), β = −2/(B‖x‖‖p‖)), and pulling G back through
 * p = x̃AAᵀ − x̃ gives
 *   ∂L/∂A = A·M + Σ_b x̃_bᵀ k_b + Σ_b x_bᵀ (β_b z̃_b),
 *   M = Σ_b α_b z̃_bᵀ z̃_b,   k_b = α_b z̃_b C − 2α_b z̃_b + β_b z_b.
 * A step therefore costs O(n·d² + nnz·d) whatever the batch size, instead of O(B·n·d) for the
 * dense reconstruction: large batches are as cheap per step as small ones.
 *
 * EASE's ridge penalty on B = AAᵀ − I is as cheap: ‖B‖²_F = ‖C‖²_F − n (unit rows), whose gradient
 * 4·A·C joins the A·M term. Scaled by 1/n² it is γ times the mean squared similarity of two items.
 */
import type { CsrMatrix } from "../../core/csr.js";
import { multiplySymmetric } from "./dense-kernels.js";

/** Users processed together inside a step: bounds the scratch memory whatever the batch size. */
const CHUNK = 2048;

/** Reusable buffers of `batchGradient` for `d` factors (sized for one chunk of users). */
export class GradientScratch {
  /** x̃A per user. */
  readonly zIn: Float64Array;
  /** xA per user (the same as zIn when nothing is dropped). */
  readonly zOut: Float64Array;
  readonly zc: Float64Array;
  readonly k: Float64Array;
  readonly m: Float64Array;
  readonly beta: Float64Array;
  readonly xx: Float64Array;
  readonly xxIn: Float64Array;
  readonly chunk: number;

  constructor(maxBatch: number, d: number) {
    const chunk = Math.max(1, Math.min(maxBatch, CHUNK));
    this.chunk = chunk;
    this.zIn = new Float64Array(chunk * d);
    this.zOut = new Float64Array(chunk * d);
    this.zc = new Float64Array(chunk * d);
    this.k = new Float64Array(chunk * d);
    this.m = new Float64Array(d * d);
    this.beta = new Float64Array(chunk);
    this.xx = new Float64Array(chunk);
    this.xxIn = new Float64Array(chunk);
  }
}

/** The value of interaction entry `e`: 1 when training on binary data, else the stored weight. */
function entryValue(x: CsrMatrix, e: number, binary: boolean): number {
  return binary ? 1 : x.values[e];
}

/** Whether user u has at least one input entry. */
function hasInput(x: CsrMatrix, u: number, keep: Uint8Array | null): boolean {
  if (keep === null) return x.indptr[u + 1] > x.indptr[u];
  for (let e = x.indptr[u]; e < x.indptr[u + 1]; e++) if (keep[e] === 1) return true;
  return false;
}

/**
 * Writes ∂L/∂A (n × d) into `grad` for the batch `users` (rows of `x`, each non-empty) and returns
 * the batch loss: the mean over users of ‖p̂ − x̂‖² (between 0 and 4), plus the ridge penalty
 * γ·(‖C‖²_F − n)/n² when `ridge` = γ > 0. `c` is AᵀA. `keep[e]` (by entry of `x`) says whether
 * entry e is part of the input; null keeps every entry. A user whose input is empty is skipped.
 * The batch may be any size: it is processed in chunks and the gradient accumulated.
 */
export function batchGradient(
  x: CsrMatrix,
  users: Int32Array,
  binary: boolean,
  keep: Uint8Array | null,
  a: Float32Array,
  n: number,
  d: number,
  c: Float64Array,
  grad: Float32Array,
  scratch: GradientScratch,
  ridge = 0,
): number {
  let active = 0;
  for (const u of users) if (hasInput(x, u, keep)) active++;
  grad.fill(0);
  if (active === 0) return 0;
  scratch.m.fill(0);
  let loss = 0;
  for (let from = 0; from < users.length; from += scratch.chunk) {
    const part = users.subarray(from, Math.min(from + scratch.chunk, users.length));
    loss += accumulateChunk(x, part, binary, keep, a, d, c, 2 / active, grad, scratch);
  }
  const { m } = scratch;
  let penalty = 0;
  if (ridge > 0) {
    const scaled = (4 * ridge) / (n * n);
    let cc = 0;
    for (let j = 0; j < d * d; j++) {
      cc += c[j] * c[j];
      m[j] += scaled * c[j];
    }
    penalty = (ridge * (cc - n)) / (n * n);
  }
  multiplySymmetric(a, n, d, m, grad, true);
  return loss / active + penalty;
}

/**
 * Adds one chunk's sparse gradient terms to `grad` and its share of M to `scratch.m`; returns the
 * chunk's summed loss. `scale` is 2 / (users with input in the whole batch).
 */
function accumulateChunk(
  x: CsrMatrix,
  users: Int32Array,
  binary: boolean,
  keep: Uint8Array | null,
  a: Float32Array,
  d: number,
  c: Float64Array,
  scale: number,
  grad: Float32Array,
  scratch: GradientScratch,
): number {
  const { zIn, zc, k, m, beta, xx, xxIn } = scratch;
  const zOut = keep === null ? zIn : scratch.zOut;
  const nb = users.length;
  xx.fill(0);
  xxIn.fill(0);
  zIn.fill(0, 0, nb * d);
  if (keep !== null) zOut.fill(0, 0, nb * d);
  for (let b = 0; b < nb; b++) {
    const u = users[b];
    const row = b * d;
    for (let e = x.indptr[u]; e < x.indptr[u + 1]; e++) {
      const v = entryValue(x, e, binary);
      const aRow = x.indices[e] * d;
      xx[b] += v * v;
      if (keep !== null) for (let j = 0; j < d; j++) zOut[row + j] += v * a[aRow + j];
      if (keep !== null && keep[e] === 0) continue;
      xxIn[b] += v * v;
      for (let j = 0; j < d; j++) zIn[row + j] += v * a[aRow + j];
    }
  }

  let loss = 0;
  for (let b = 0; b < nb; b++) {
    const row = b * d;
    beta[b] = 0;
    if (xxIn[b] === 0) continue;
    let zz = 0;
    let zzOut = 0;
    let zcz = 0;
    for (let j = 0; j < d; j++) {
      let s = 0;
      const cRow = j * d;
      for (let l = 0; l < d; l++) s += zIn[row + l] * c[cRow + l];
      zc[row + j] = s;
      zcz += s * zIn[row + j];
      zz += zIn[row + j] * zIn[row + j];
      zzOut += zIn[row + j] * zOut[row + j];
    }
    // Rounding can push ‖p‖² a hair below zero only when p is (numerically) zero.
    const pp = Math.max(zcz - 2 * zz + xxIn[b], 1e-12);
    const pNorm = Math.sqrt(pp);
    const xNorm = Math.sqrt(xx[b]);
    const cos = (zzOut - xxIn[b]) / (pNorm * xNorm);
    loss += 2 * (1 - cos);
    const alpha = (scale * cos) / pp;
    beta[b] = -scale / (xNorm * pNorm);
    for (let j = 0; j < d; j++) {
      const azj = alpha * zIn[row + j];
      const mRow = j * d;
      for (let l = 0; l < d; l++) m[mRow + l] += azj * zIn[row + l];
      k[row + j] = alpha * zc[row + j] - 2 * alpha * zIn[row + j] + beta[b] * zOut[row + j];
    }
  }

  for (let b = 0; b < nb; b++) {
    if (xxIn[b] === 0) continue;
    const u = users[b];
    const row = b * d;
    const bb = beta[b];
    for (let e = x.indptr[u]; e < x.indptr[u + 1]; e++) {
      const v = entryValue(x, e, binary);
      const gRow = x.indices[e] * d;
      const kept = keep === null || keep[e] === 1;
      // Every target entry takes β z̃; input entries also take k.
      for (let j = 0; j < d; j++) grad[gRow + j] += v * (bb * zIn[row + j] + (kept ? k[row + j] : 0));
    }
  }
  return loss;
}
