import { choleskyFactor, choleskySolve } from "../../math/cholesky.js";

/**
 * Ridge regression from content vectors to another part's item vectors, fitted on warm items, so
 * a brand-new item gets predicted cf and graph vectors and competes in every part (blueprint).
 * A constant column is appended to the content so the mean item vector is captured.
 */
export class ColdItemProjection {
  /** (contentDims + 1) × targetDims, row-major. */
  readonly weights: Float32Array;
  readonly contentDims: number;
  readonly targetDims: number;

  constructor(weights: Float32Array, contentDims: number, targetDims: number) {
    this.weights = weights;
    this.contentDims = contentDims;
    this.targetDims = targetDims;
  }

  /**
   * Fits W minimising ‖[C 1]W − Y‖² + λ‖W‖² over `warmItems`; C is nItems × contentDims, Y is
   * nItems × targetDims, both row-major.
   */
  static fit(
    content: Float32Array,
    contentDims: number,
    target: Float32Array,
    targetDims: number,
    warmItems: Int32Array,
    lambda: number,
  ): ColdItemProjection {
    const d = contentDims + 1;
    const gram = new Float64Array(d * d);
    const rhs = new Float64Array(d * targetDims);
    const row = new Float64Array(d);
    for (const item of warmItems) {
      for (let a = 0; a < contentDims; a++) row[a] = content[item * contentDims + a];
      row[contentDims] = 1;
      for (let a = 0; a < d; a++) {
        const ra = row[a];
        if (ra === 0) continue;
        for (let b = 0; b < d; b++) gram[a * d + b] += ra * row[b];
        for (let t = 0; t < targetDims; t++) rhs[a * targetDims + t] += ra * target[item * targetDims + t];
      }
    }
    for (let a = 0; a < d; a++) gram[a * d + a] += lambda;
    if (!choleskyFactor(gram, d))
      throw new Error("cold-item projection: the ridge system is not positive definite");
    const weights = new Float32Array(d * targetDims);
    const column = new Float64Array(d);
    for (let t = 0; t < targetDims; t++) {
      for (let a = 0; a < d; a++) column[a] = rhs[a * targetDims + t];
      choleskySolve(gram, d, column);
      for (let a = 0; a < d; a++) weights[a * targetDims + t] = column[a];
    }
    return new ColdItemProjection(weights, contentDims, targetDims);
  }

  /** The predicted target vector of an item with content vector `c`, written into `out`. */
  predict(c: Float32Array, out: Float32Array): void {
    const { contentDims: dc, targetDims: dt, weights } = this;
    for (let t = 0; t < dt; t++) out[t] = weights[dc * dt + t];
    for (let a = 0; a < dc; a++) {
      const ca = c[a];
      if (ca === 0) continue;
      for (let t = 0; t < dt; t++) out[t] += ca * weights[a * dt + t];
    }
  }
}
