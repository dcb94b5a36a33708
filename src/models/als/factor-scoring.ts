import { type CsrMatrix, hasEntry } from "../../core/csr.js";
import { dotF32 } from "../../math/dense.js";
import { TopK } from "../../math/top-k.js";
import type { Recommendations, RecommendOptions } from "../recommender.js";

/** Factor matrices to score from: row-major float32, `dim` values per row. */
export interface FactorTables {
  readonly userFactors: Float32Array;
  readonly itemFactors: Float32Array;
  readonly dim: number;
  readonly nUsers: number;
  readonly nItems: number;
}

/**
 * Top-k items by x_u · y_i for each user, over all items or the candidates, seen items (rows of
 * `exclude`) left out. Users outside [0, nUsers) — index −1 is an unknown user — get a padded
 * empty row: a factor model has nothing to say about them without fold-in.
 */
export function recommendByFactors(
  f: FactorTables,
  userIndices: Int32Array,
  options: RecommendOptions,
): Recommendations {
  const { k, exclude, candidates } = options;
  const items = new Int32Array(userIndices.length * k);
  const scores = new Float32Array(userIndices.length * k);
  const top = new TopK(k);
  for (let b = 0; b < userIndices.length; b++) {
    const user = userIndices[b];
    if (user >= 0 && user < f.nUsers) {
      const uo = user * f.dim;
      const excluded = exclude !== undefined && user < exclude.nRows ? exclude : undefined;
      if (candidates) {
        for (let c = 0; c < candidates.length; c++) {
          const item = candidates[c];
          if (item < 0 || item >= f.nItems || (excluded && hasEntry(excluded, user, item))) continue;
          top.push(item, dotF32(f.userFactors, uo, f.itemFactors, item * f.dim, f.dim));
        }
      } else {
        scoreAllItems(f, uo, excluded, user, top);
      }
    }
    top.drainInto(items, scores, b * k);
  }
  return { k, items, scores };
}

/** Scores every item for the user at offset `uo`, skipping the (sorted) excluded row in step. */
function scoreAllItems(
  f: FactorTables,
  uo: number,
  exclude: CsrMatrix | undefined,
  user: number,
  top: TopK,
): void {
  let e = exclude ? exclude.indptr[user] : 0;
  const eEnd = exclude ? exclude.indptr[user + 1] : 0;
  for (let item = 0; item < f.nItems; item++) {
    while (e < eEnd && exclude!.indices[e] < item) e++;
    if (e < eEnd && exclude!.indices[e] === item) continue;
    top.push(item, dotF32(f.userFactors, uo, f.itemFactors, item * f.dim, f.dim));
  }
}
