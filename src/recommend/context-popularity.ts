import { ContextPopularity } from "../models/hybrid/context-shift.js";

export { ContextPopularity, contextPriorOf } from "../models/hybrid/context-shift.js";

import type { PopularContext } from "./popular-lists.js";
import { type Candidates, retrieve } from "./retrieve.js";
import type { ServingModel } from "./serving-model.js";

/** Each served version's context view, built on first use (null: the version has no prior). */
const views = new WeakMap<ServingModel, ContextPopularity | null>();

function viewOf(model: ServingModel): ContextPopularity | null {
  let view = views.get(model);
  if (view === undefined) {
    view = ContextPopularity.of(model.hybrid);
    views.set(model, view);
  }
  return view;
}

/** Candidates from the index before the shift, per item wanted (the shift reorders the head). */
const WIDEN = 4;
/** The context's most popular items always considered, whatever the index returned. */
const CONTEXT_HEAD = 50;

/**
 * `retrieve` with the popularity component in the request's context: a widened candidate pool
 * from the index plus the context's most popular accepted items, each scored by q·x plus the
 * shift of the popularity part (see ContextPopularity), best `n` first. Without a trained prior,
 * a context, or a popularity weight in the query, it is `retrieve` itself.
 */
export function retrieveInContext(
  model: ServingModel,
  q: Float32Array,
  n: number,
  accept: (item: number) => boolean,
  context: PopularContext,
): Candidates {
  const view = viewOf(model);
  if (!view || view.weightOf(q) === 0 || (!context.near && context.mealPeriod === undefined)) {
    return retrieve(model, q, n, accept);
  }
  const row = view.rowFor({ lat: context.near?.lat, lon: context.near?.lon, period: context.mealPeriod });
  if (row < 0) return retrieve(model, q, n, accept);
  const scored = new Map<number, number>();
  const pool = retrieve(model, q, Math.max(WIDEN * n, 100), accept);
  for (let c = 0; c < pool.items.length; c++) {
    scored.set(pool.items[c], pool.scores[c] + view.shift(q, row, pool.items[c]));
  }
  let head = 0;
  for (const item of view.orderFor(row)) {
    if (head >= Math.max(n, CONTEXT_HEAD)) break;
    if (!accept(item)) continue;
    head++;
    if (!scored.has(item)) scored.set(item, model.score(q, item) + view.shift(q, row, item));
  }
  const best = [...scored].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, n);
  return {
    items: Int32Array.from(best, ([item]) => item),
    scores: Float32Array.from(best, ([, s]) => s),
    shifts: Float32Array.from(best, ([item]) => view.shift(q, row, item)),
  };
}
