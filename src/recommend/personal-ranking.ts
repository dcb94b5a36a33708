import { candidateFilter, type FilterRules } from "./candidate-filter.js";
import { contextPool, retrieveInContext } from "./context-popularity.js";
import { mmrRerank } from "./mmr.js";
import { rankPrecomputed, type StoredList } from "./precomputed-lists.js";
import type { RecommendRequest } from "./recommend-types.js";
import type { ServingModel } from "./serving-model.js";

/** A candidate as ranked: `shift` and `reasons` as in `RankedEntry`, when the path knows them. */
export type RankedCandidate = { item: number; score: number; shift?: number; reasons?: number };

/**
 * The personal list of a query: the user's pushed candidate list when it can answer the request,
 * else the one inner product over the index in the request's context (or the user's home), then
 * filters and the optional MMR re-rank.
 */
export function rankPersonal(
  model: ServingModel,
  q: Float32Array,
  request: RecommendRequest,
  rules: FilterRules,
  home: () => { lat: number; lon: number } | null,
  precomputed: { list: StoredList; seen: () => ReadonlySet<number> } | null,
  observePrecomputed: (hit: boolean) => void,
): RankedCandidate[] {
  if (precomputed) {
    const accept = candidateFilter(model.catalog, rules);
    const ranked = rankPrecomputed(model, q, precomputed.list, accept, home, request.k);
    observePrecomputed(ranked !== null);
    if (ranked) return ranked;
    // The index path filters what the user has seen.
    rules = { ...rules, seen: precomputed.seen() };
  }
  const accept = candidateFilter(model.catalog, rules);
  const pool = request.diversity > 0 ? Math.max(5 * request.k, 50) : request.k;
  // With a context, the popularity component uses the trained per-context prior (if any). A
  // request without a place is asked from the user's declared home (the filters stay as asked),
  // the context the blend weights were learned in (docs/models.md).
  const from = rules.near ? null : home();
  const context = from ? { mealPeriod: rules.mealPeriod, near: { ...from, radiusKm: 0 } } : rules;
  const rejects = rules.seen.size + rules.exclude.size;
  const found = retrieveInContext(model, q, pool, accept, context, contextPool(pool), rejects);
  let order = Array.from(found.items.keys());
  if (request.diversity > 0) {
    order = mmrRerank(found.items, found.scores, model.itemVectors, model.dims, request.k, request.diversity);
  }
  return order
    .slice(0, request.k)
    .map((c) => ({ item: found.items[c], score: found.scores[c], shift: found.shifts?.[c] ?? 0 }));
}
