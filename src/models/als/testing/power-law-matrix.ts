import type { CsrMatrix } from "../../../core/csr.js";
import { Random } from "../../../math/random.js";

/** Shape and skew of a synthetic interaction matrix. */
export interface PowerLawOptions {
  users: number;
  items: number;
  /** Target number of stored entries (the result is within a fraction of a percent). */
  nnz: number;
  /** Zipf exponent of item popularity (1: the item of rank r is drawn ∝ 1/r). */
  itemExponent?: number;
  /** Pareto shape of user activity (smaller: heavier tail). */
  userShape?: number;
  seed?: number;
}

/**
 * A random user × item matrix with power-law item popularity and user activity, values 1–5:
 * the stand-in for production data in benchmarks and tests. Popularity ranks are shuffled over
 * item indices, as real catalogues are not sorted by popularity.
 */
export function powerLawMatrix(options: PowerLawOptions): CsrMatrix {
  const { users, items, nnz, itemExponent = 1, userShape = 2, seed = 1 } = options;
  const rng = new Random(seed);
  const cdf = new Float64Array(items);
  let sum = 0;
  for (let r = 0; r < items; r++) {
    sum += 1 / (r + 1) ** itemExponent;
    cdf[r] = sum;
  }
  const itemOfRank = rng.shuffle(Int32Array.from({ length: items }, (_, i) => i));

  // Activity weights from a Pareto law, scaled so the row lengths add up to about nnz.
  const weights = new Float64Array(users);
  let totalWeight = 0;
  for (let u = 0; u < users; u++) {
    weights[u] = (1 - rng.next()) ** (-1 / userShape);
    totalWeight += weights[u];
  }
  const cap = Math.max(1, Math.floor(items / 10));
  const indptr = new Int32Array(users + 1);
  for (let u = 0; u < users; u++) {
    const length = Math.min(cap, Math.max(1, Math.round((weights[u] * nnz) / totalWeight)));
    indptr[u + 1] = indptr[u] + length;
  }

  const total = indptr[users];
  const indices = new Int32Array(total);
  const values = new Float32Array(total);
  const stamp = new Int32Array(items).fill(-1);
  for (let u = 0; u < users; u++) {
    for (let e = indptr[u]; e < indptr[u + 1]; e++) {
      let item: number;
      do item = itemOfRank[lowerBound(cdf, rng.next() * sum)];
      while (stamp[item] === u);
      stamp[item] = u;
      indices[e] = item;
      values[e] = 1 + rng.int(5);
    }
    indices.subarray(indptr[u], indptr[u + 1]).sort();
  }
  return { nRows: users, nCols: items, indptr, indices, values };
}

/** The first index whose cumulative weight is ≥ x. */
function lowerBound(cdf: Float64Array, x: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
