import type { CsrMatrix } from "../../core/csr.js";
import { dotF32 } from "../../math/dense.js";
import { TopK } from "../../math/top-k.js";
import type { Recommendations } from "../recommender.js";

/** A batch of queries against an item matrix (row-major, d columns). */
export interface RankRequest {
  k: number;
  d: number;
  items: Float32Array;
  /** Where the query vectors live (row-major, d columns). */
  queries: Float32Array;
  /** Per batch entry: its row of `queries`, or −1 for an empty result row. */
  queryRows: Int32Array;
  /** Per batch entry: its row of `exclude` (items to leave out), or −1 for none. */
  excludeRows?: Int32Array;
  exclude?: CsrMatrix;
  /** Per batch entry: one more item to leave out (the query item of a similar-items call), or −1. */
  excludeItem?: Int32Array;
  /** Restrict ranking to these item indices. */
  candidates?: Int32Array;
}

/**
 * Top-k items by inner product for each query row: the exact maximum-inner-product search every
 * scoring path of the blueprint reduces to. A query whose vector is zero (a node without edges)
 * carries no signal and gets an empty row, like a query row of −1.
 */
export function rankByInnerProduct(request: RankRequest): Recommendations {
  const { k, d, items, queries, queryRows, exclude, excludeRows, excludeItem, candidates } = request;
  const nItems = items.length / d;
  const batch = queryRows.length;
  const outItems = new Int32Array(batch * k);
  const outScores = new Float32Array(batch * k);
  const top = new TopK(k);
  // Seen items are marked in a byte mask and unmarked afterwards, instead of a search per item.
  const excluded = new Uint8Array(nItems);
  for (let b = 0; b < batch; b++) {
    const q = queryRows[b] * d;
    if (q >= 0 && !isZero(queries, q, d)) {
      const ex = excludeRows && exclude ? excludeRows[b] : -1;
      const exFrom = ex >= 0 && ex < exclude!.nRows ? exclude!.indptr[ex] : 0;
      const exTo = ex >= 0 && ex < exclude!.nRows ? exclude!.indptr[ex + 1] : 0;
      for (let e = exFrom; e < exTo; e++) excluded[exclude!.indices[e]] = 1;
      const self = excludeItem ? excludeItem[b] : -1;
      if (self >= 0) excluded[self] = 1;
      const n = candidates ? candidates.length : nItems;
      for (let c = 0; c < n; c++) {
        const item = candidates ? candidates[c] : c;
        if (excluded[item] === 1) continue;
        top.push(item, dotF32(queries, q, items, item * d, d));
      }
      for (let e = exFrom; e < exTo; e++) excluded[exclude!.indices[e]] = 0;
      if (self >= 0) excluded[self] = 0;
    }
    top.drainInto(outItems, outScores, b * k);
  }
  return { k, items: outItems, scores: outScores };
}

function isZero(a: Float32Array, offset: number, d: number): boolean {
  for (let t = 0; t < d; t++) if (a[offset + t] !== 0) return false;
  return true;
}
