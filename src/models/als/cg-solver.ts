import { multiplyRows } from "../../math/dense.js";
import { addConfidenceTerms } from "./confidence-kernel.js";

/*
 * Conjugate-gradient solves of the implicit-ALS row systems (Takács, Pilászy & Tikk 2011, as the
 * `implicit` library does): for each row u, a few CG steps on
 *   (YᵀY + λI + Yᵀ(C_u − I)Y) x_u = Yᵀ C_u p_u,
 * warm-started from the previous x_u. Rows are processed in blocks that step together, so the
 * dense part (each row's vector times YᵀY + λI) becomes one blocked product P_block · G.
 */

/** Rows stepped together: large enough for the 3-row tiles, small enough for L1/L2. */
export const CG_BLOCK_ROWS = 48;

/** Below this squared residual a row has converged (the threshold `implicit` uses). */
const CONVERGED = 1e-20;

/** The half-iteration being solved: target rows from the other side's fixed factors. */
export interface RowSystems {
  /** Factors being solved (rows × k), read as the warm start and overwritten. */
  readonly target: Float32Array;
  /** The fixed factors of the other side (columns × k). */
  readonly other: Float32Array;
  readonly k: number;
  /** Target rows × other columns, CSR. */
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
  readonly alpha: number;
  /** Confidence c = confidenceBase + α·r. */
  readonly confidenceBase: number;
  /** YᵀY + λI, k × k float64. */
  readonly gramReg: Float64Array;
  readonly cgSteps: number;
}

/** Per-thread work buffers of `solveRowRange`, allocated once and reused across calls. */
export interface CgScratch {
  readonly k: number;
  readonly x: Float64Array;
  readonly r: Float64Array;
  readonly p: Float64Array;
  readonly ap: Float64Array;
  readonly rs: Float64Array;
  readonly active: Uint8Array;
}

/** Work buffers for `solveRowRange` at dimension k. */
export function createCgScratch(k: number): CgScratch {
  const n = CG_BLOCK_ROWS * k;
  return {
    k,
    x: new Float64Array(n),
    r: new Float64Array(n),
    p: new Float64Array(n),
    ap: new Float64Array(n),
    rs: new Float64Array(CG_BLOCK_ROWS),
    active: new Uint8Array(CG_BLOCK_ROWS),
  };
}

/**
 * Updates rows [start, end) of `s.target` by `s.cgSteps` CG steps each. Every row's arithmetic
 * is independent of the others in its block, so results do not depend on the range split.
 */
export function solveRowRange(s: RowSystems, start: number, end: number, w: CgScratch): void {
  for (let b0 = start; b0 < end; b0 += CG_BLOCK_ROWS) solveBlock(s, b0, Math.min(end, b0 + CG_BLOCK_ROWS), w);
}

function solveBlock(s: RowSystems, b0: number, b1: number, w: CgScratch): void {
  const { target, other, k, indptr, indices, values, alpha, confidenceBase, gramReg } = s;
  const { x, r, p, ap, rs, active } = w;
  const rows = b1 - b0;
  const n = rows * k;
  for (let j = 0; j < n; j++) x[j] = target[b0 * k + j];

  // r = b − A·x: the dense part for the whole block, then each row's sparse corrections.
  multiplyRows(x, rows, gramReg, k, ap);
  for (let u = 0; u < rows; u++) {
    const o = u * k;
    for (let a = 0; a < k; a++) r[o + a] = -ap[o + a];
    addConfidenceTerms(
      other,
      k,
      indices,
      values,
      indptr[b0 + u],
      indptr[b0 + u + 1],
      alpha,
      confidenceBase,
      1,
      -1,
      x,
      o,
      r,
      o,
    );
    let rr = 0;
    for (let a = 0; a < k; a++) {
      p[o + a] = r[o + a];
      rr += r[o + a] * r[o + a];
    }
    rs[u] = rr;
    active[u] = rr < CONVERGED ? 0 : 1;
  }

  for (let step = 0; step < s.cgSteps; step++) {
    multiplyRows(p, rows, gramReg, k, ap);
    let stillActive = 0;
    for (let u = 0; u < rows; u++) {
      if (active[u] === 0) continue;
      const o = u * k;
      addConfidenceTerms(
        other,
        k,
        indices,
        values,
        indptr[b0 + u],
        indptr[b0 + u + 1],
        alpha,
        confidenceBase,
        0,
        1,
        p,
        o,
        ap,
        o,
      );
      let pAp = 0;
      for (let a = 0; a < k; a++) pAp += p[o + a] * ap[o + a];
      const stepSize = rs[u] / pAp;
      let rsNew = 0;
      for (let a = 0; a < k; a++) {
        x[o + a] += stepSize * p[o + a];
        const ra = r[o + a] - stepSize * ap[o + a];
        r[o + a] = ra;
        rsNew += ra * ra;
      }
      if (rsNew < CONVERGED) {
        active[u] = 0;
        continue;
      }
      const beta = rsNew / rs[u];
      for (let a = 0; a < k; a++) p[o + a] = r[o + a] + beta * p[o + a];
      rs[u] = rsNew;
      stillActive++;
    }
    if (stillActive === 0) break;
  }
  for (let j = 0; j < n; j++) target[b0 * k + j] = x[j];
}
