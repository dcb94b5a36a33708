import { choleskyFactor, choleskySolve } from "../../math/cholesky.js";

/** A fixed item side to fold users into: factors, their Gram matrix and the model's constants. */
export interface FoldInBasis {
  readonly itemFactors: Float32Array;
  /** YᵀY (k × k float64). */
  readonly gram: Float64Array;
  readonly k: number;
  readonly alpha: number;
  readonly confidenceBase: number;
  readonly regularization: number;
}

/**
 * The exact implicit-ALS user vector for interactions (items, values) against fixed item factors:
 * x = (YᵀY + λI + Yᵀ(C_u − I)Y)⁻¹ Yᵀ C_u p_u (Hu et al. 2008, eq. 4), solved by Cholesky.
 * Returns false when the system is not positive definite (λ = 0 with too few interactions).
 * Inner kernel: inputs are assumed valid; `a` (k × k) and `out` (k) are caller-owned scratch.
 */
export function foldInExact(
  basis: FoldInBasis,
  itemIndices: Int32Array,
  values: Float32Array,
  a: Float64Array,
  out: Float64Array,
): boolean {
  const { itemFactors: y, gram, k, alpha, confidenceBase, regularization } = basis;
  a.set(gram);
  for (let j = 0; j < k; j++) a[j * k + j] += regularization;
  out.fill(0);
  for (let e = 0; e < itemIndices.length; e++) {
    const o = itemIndices[e] * k;
    const d = confidenceBase - 1 + alpha * values[e];
    for (let i = 0; i < k; i++) {
      const yi = y[o + i];
      out[i] += (1 + d) * yi;
      const dyi = d * yi;
      for (let j = 0; j < k; j++) a[i * k + j] += dyi * y[o + j];
    }
  }
  if (!choleskyFactor(a, k)) return false;
  choleskySolve(a, k, out);
  return true;
}
