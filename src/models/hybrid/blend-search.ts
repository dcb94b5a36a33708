import { TopK } from "../../math/top-k.js";
import { type HybridPart, scoreItems, type UserHistory } from "./hybrid-part.js";

/** History buckets: users with ≤ coldMax interactions are cold, ≤ warmMax warm, the rest hot. */
export interface HistoryBuckets {
  coldMax: number;
  warmMax: number;
}

/**
 * Bucket names by weight row. "new" is a user with no interactions at all (declared preferences
 * and context only): its weights are learned on validation users with their history removed.
 */
export const BUCKET_NAMES = ["cold", "warm", "hot", "new"] as const;
export type BucketName = (typeof BUCKET_NAMES)[number];

/** The weight row of the "new" bucket. */
export const NEW_BUCKET = 3;

/** The bucket index (0 cold, 1 warm, 2 hot) of a user with `n` interactions. */
export function bucketOf(n: number, buckets: HistoryBuckets): 0 | 1 | 2 {
  return n <= buckets.coldMax ? 0 : n <= buckets.warmMax ? 1 : 2;
}

/** A validation user: the history the parts see and the held-out items that count as relevant. */
export interface ValidationUser {
  history: UserHistory;
  relevant: Int32Array;
}

/** Candidate pools with every part's (scaled) score, so a weight vector is evaluated cheaply. */
interface Pool {
  items: Int32Array;
  /** candidates × parts, row-major. */
  scores: Float32Array;
  relevant: Uint8Array;
  idealDcg: number;
}

/** Weights tried for each part in coordinate ascent (the parts' scores are standardised). */
const GRID = [0, 0.1, 0.25, 0.5, 1, 2, 4, 8];

/**
 * Learns blend weights for one group of validation users by coordinate ascent on nDCG@k. The
 * ranking is restricted to the union of each part's top `poolPerPart` items per user: a blended
 * top-k item is almost surely near the top of some part, and the pool makes each trial cheap.
 */
export function searchBlendWeights(
  parts: readonly HybridPart[],
  scales: Float32Array,
  users: readonly ValidationUser[],
  nItems: number,
  options: { k?: number; poolPerPart?: number; rounds?: number } = {},
): { weights: Float32Array; ndcg: number } {
  const k = options.k ?? 10;
  const pools = users.map((u) => buildPool(parts, scales, u, nItems, k, options.poolPerPart ?? 100));
  const weights = new Float32Array(parts.length).fill(1);
  let best = meanNdcg(pools, weights, k);
  for (let round = 0; round < (options.rounds ?? 3); round++) {
    let improved = false;
    for (let p = 0; p < parts.length; p++) {
      for (const value of GRID) {
        const previous = weights[p];
        if (value === previous) continue;
        weights[p] = value;
        const ndcg = weights.some((w) => w > 0) ? meanNdcg(pools, weights, k) : -1;
        if (ndcg > best + 1e-9) {
          best = ndcg;
          improved = true;
        } else {
          weights[p] = previous;
        }
      }
    }
    if (!improved) break;
  }
  return { weights, ndcg: best };
}

function buildPool(
  parts: readonly HybridPart[],
  scales: Float32Array,
  user: ValidationUser,
  nItems: number,
  k: number,
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
  const scores = new Float32Array(items.length * parts.length);
  const relevant = new Uint8Array(items.length);
  for (let c = 0; c < items.length; c++) {
    for (let p = 0; p < parts.length; p++) scores[c * parts.length + p] = partScores[p][items[c]];
    relevant[c] = relevantSet.has(items[c]) ? 1 : 0;
  }
  let idealDcg = 0;
  for (let r = 0; r < Math.min(k, user.relevant.length); r++) idealDcg += 1 / Math.log2(r + 2);
  return { items, scores, relevant, idealDcg };
}

function meanNdcg(pools: readonly Pool[], weights: Float32Array, k: number): number {
  const nParts = weights.length;
  const top = new TopK(k);
  const ranked = new Int32Array(k);
  const rankedScores = new Float32Array(k);
  let total = 0;
  for (const pool of pools) {
    top.reset();
    for (let c = 0; c < pool.items.length; c++) {
      let s = 0;
      for (let p = 0; p < nParts; p++) s += weights[p] * pool.scores[c * nParts + p];
      top.push(c, s);
    }
    top.drainInto(ranked, rankedScores, 0);
    let dcg = 0;
    for (let r = 0; r < k; r++) if (ranked[r] >= 0 && pool.relevant[ranked[r]]) dcg += 1 / Math.log2(r + 2);
    total += pool.idealDcg > 0 ? dcg / pool.idealDcg : 0;
  }
  return pools.length > 0 ? total / pools.length : 0;
}
