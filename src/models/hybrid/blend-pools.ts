import { TopK } from "../../math/top-k.js";
import type { ValidationUser } from "./blend-search.js";
import { type HybridPart, scoreItems } from "./hybrid-part.js";

/** One validation user's candidates with every part's (scaled) score, so a weight vector is cheap to try. */
export interface Pool {
  /** Candidate items (the union of each part's top items for the user). */
  items: Int32Array;
  /** parts × candidates, part-major: changing one part's weight reads one contiguous column. */
  scores: Float32Array;
  relevant: Uint8Array;
  /** Held-out items of the user (all of them, also those outside the pool: nDCG's ideal). */
  relevantCount: number;
}

/**
 * The pool of one validation user: the union of each part's top `poolPerPart` unseen items. A
 * blended top-k item is almost surely near the top of some part, and the pool makes each trial of
 * the weight search cost candidates, not the catalogue.
 */
export function buildPool(
  parts: readonly HybridPart[],
  scales: Float32Array,
  user: ValidationUser,
  nItems: number,
  poolPerPart: number,
): Pool {
  const seen = new Uint8Array(nItems);
  for (const item of user.history.items) seen[item] = 1;
  // A part with an all-zero query (a user without history, for history-based parts) scores every
  // item 0: nothing to compute and no candidates to add.
  const silent = new Uint8Array(parts.length);
  const partScores = parts.map((part, p) => {
    const q = new Float32Array(part.dims);
    part.query(user.history, q);
    const s = new Float32Array(nItems);
    if (part.scoresFor?.(user.history, s)) {
      for (let i = 0; i < nItems; i++) s[i] *= scales[p];
      return s;
    }
    if (q.every((v) => v === 0)) {
      silent[p] = 1;
      return s;
    }
    scoreItems(part.items, part.dims, q, s);
    for (let i = 0; i < nItems; i++) s[i] *= scales[p];
    return s;
  });
  const candidates = new Set<number>();
  const top = new TopK(poolPerPart);
  const picked = new Int32Array(poolPerPart);
  const pickedScores = new Float32Array(poolPerPart);
  for (const [p, s] of partScores.entries()) {
    if (silent[p] === 1) continue;
    top.reset();
    for (let i = 0; i < nItems; i++) if (seen[i] === 0) top.push(i, s[i]);
    top.drainInto(picked, pickedScores, 0);
    for (const item of picked) if (item >= 0) candidates.add(item);
  }
  const relevantSet = new Set(user.relevant);
  const items = Int32Array.from(candidates);
  const n = items.length;
  const scores = new Float32Array(n * parts.length);
  const relevant = new Uint8Array(n);
  for (let c = 0; c < n; c++) {
    for (let p = 0; p < parts.length; p++) scores[p * n + c] = partScores[p][items[c]];
    relevant[c] = relevantSet.has(items[c]) ? 1 : 0;
  }
  return { items, scores, relevant, relevantCount: user.relevant.length };
}

/** DCG of the ideal ranking at cutoff k: the user's held-out items all ranked first. */
export function idealDcg(relevantCount: number, k: number): number {
  let dcg = 0;
  for (let r = 0; r < Math.min(k, relevantCount); r++) dcg += 1 / Math.log2(r + 2);
  return dcg;
}
