import type { CsrMatrix } from "../../core/csr.js";
import { scoreRows } from "../../math/dense.js";
import type { TopK } from "../../math/top-k.js";

/** `out[i] = a_i · q` for every row i of `a` (n × d). */
export function scoreAll(a: Float32Array, n: number, d: number, q: Float32Array, out: Float32Array): void {
  scoreRows(a, n, d, q, out);
}

/** `out[i] = a_i · q` for the listed rows only. */
export function scoreSome(
  a: Float32Array,
  d: number,
  q: Float32Array,
  rows: Int32Array,
  out: Float32Array,
): void {
  for (let c = 0; c < rows.length; c++) {
    const row = rows[c] * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += a[row + j] * q[j];
    out[rows[c]] = s;
  }
}

/**
 * Pushes `scores` of the candidate items (all n when `candidates` is absent) into `top`, skipping
 * items flagged in `blocked`. Row `r` of `exclude` (when r is a row of it) is flagged for the call
 * and cleared after, so `blocked` is all zeros between calls.
 */
export function pushRanked(
  scores: Float32Array,
  n: number,
  candidates: Int32Array | undefined,
  exclude: CsrMatrix | undefined,
  r: number,
  blocked: Uint8Array,
  top: TopK,
): void {
  const excluding = exclude !== undefined && r >= 0 && r < exclude.nRows;
  if (excluding)
    for (let e = exclude.indptr[r]; e < exclude.indptr[r + 1]; e++) blocked[exclude.indices[e]] = 1;
  if (candidates) {
    for (let c = 0; c < candidates.length; c++) {
      const item = candidates[c];
      if (blocked[item] === 0) top.push(item, scores[item]);
    }
  } else {
    for (let item = 0; item < n; item++) if (blocked[item] === 0) top.push(item, scores[item]);
  }
  if (excluding)
    for (let e = exclude.indptr[r]; e < exclude.indptr[r + 1]; e++) blocked[exclude.indices[e]] = 0;
}
