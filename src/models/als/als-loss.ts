import type { CsrMatrix } from "../../core/csr.js";
import { accumulateGramTiles, dotF32, gramTileRows, mirrorUpper } from "../../math/dense.js";

/**
 * The implicit-ALS objective Σ_{u,i} c_ui (p_ui − x_u·y_i)² + λ(‖X‖² + ‖Y‖²) (Hu et al. 2008),
 * in O(nnz·k + (users + items)·k²): the all-zero-preference sum Σ_u x_uᵀ(YᵀY)x_u is corrected
 * on the stored entries only. For tests and diagnostics; it runs on the calling thread.
 */
export function implicitAlsLoss(
  m: CsrMatrix,
  userFactors: Float32Array,
  itemFactors: Float32Array,
  k: number,
  confidence: { alpha: number; confidenceBase: number },
  regularization: number,
): number {
  const gram = new Float64Array(k * k);
  accumulateGramTiles(itemFactors, m.nCols, k, 0, gramTileRows(k), gram);
  mirrorUpper(gram, k);
  let loss = 0;
  for (let u = 0; u < m.nRows; u++) {
    const o = u * k;
    for (let a = 0; a < k; a++) {
      let row = 0;
      for (let b = 0; b < k; b++) row += gram[a * k + b] * userFactors[o + b];
      loss += userFactors[o + a] * row;
    }
    for (let e = m.indptr[u]; e < m.indptr[u + 1]; e++) {
      const s = dotF32(userFactors, o, itemFactors, m.indices[e] * k, k);
      const c = confidence.confidenceBase + confidence.alpha * m.values[e];
      loss += c * (1 - s) * (1 - s) - s * s;
    }
  }
  let norms = 0;
  for (let j = 0; j < userFactors.length; j++) norms += userFactors[j] * userFactors[j];
  for (let j = 0; j < itemFactors.length; j++) norms += itemFactors[j] * itemFactors[j];
  return loss + regularization * norms;
}
