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
/** Candidates fetched from the index for a request of `n` in a context. */
export function contextPool(n: number): number {
  return Math.max(WIDEN * n, 100);
}

/** The context's most popular items always considered, whatever the index returned. */
const CONTEXT_HEAD = 50;
/** Items of a context's order read first, per accepted item wanted (the rest on demand). */
const HEAD_READ = 4;

/**
 * What the popularity component adds to an item's score for query `q` in a request's context
 * (zero everywhere without a trained prior, a context, or a popularity weight in the query).
 */
export function contextShifter(
  model: ServingModel,
  q: Float32Array,
  context: PopularContext,
): (item: number) => number {
  const view = viewOf(model);
  if (!view || view.weightOf(q) === 0 || (!context.near && context.mealPeriod === undefined)) return () => 0;
  const row = view.rowFor({ lat: context.near?.lat, lon: context.near?.lon, period: context.mealPeriod });
  return row < 0 ? () => 0 : (item) => view.shift(q, row, item);
}

/**
 * `retrieve` with the popularity component in the request's context: a widened candidate pool
 * from the index (`pool` items, at least n) plus the context's most popular accepted items, each
 * scored by q·x plus the shift of the popularity part (see ContextPopularity), best `n` first. Without a trained prior,
 * a context, or a popularity weight in the query, it is `retrieve` itself (`knownRejects` as there).
 */
export function retrieveInContext(
  model: ServingModel,
  q: Float32Array,
  n: number,
  accept: (item: number) => boolean,
  context: PopularContext,
  pool = contextPool(n),
  knownRejects = 0,
): Candidates {
  const view = viewOf(model);
  if (!view || view.weightOf(q) === 0 || (!context.near && context.mealPeriod === undefined)) {
    return retrieve(model, q, n, accept, knownRejects);
  }
  const row = view.rowFor({ lat: context.near?.lat, lon: context.near?.lon, period: context.mealPeriod });
  if (row < 0) return retrieve(model, q, n, accept, knownRejects);
  // Each candidate's shift is kept beside its score: the answer reports both.
  const scored = new Map<number, { score: number; shift: number }>();
  const add = (item: number, base: number) => {
    const shift = view.shift(q, row, item);
    scored.set(item, { score: base + shift, shift });
  };
  const fetched = retrieve(model, q, Math.max(pool, n), accept, knownRejects);
  for (let c = 0; c < fetched.items.length; c++) add(fetched.items[c], fetched.scores[c]);
  // The head of the context's order usually holds enough accepted items; filters that reject
  // most of it (a radius, a heavy user's history) read on in the whole order.
  const wanted = Math.max(n, CONTEXT_HEAD);
  let taken = 0;
  let head = view.headFor(row, HEAD_READ * wanted);
  for (let c = 0; c < head.length && taken < wanted; c++) {
    const item = head[c];
    if (c === head.length - 1 && head.length < view.prior.itemCount) head = view.orderFor(row);
    if (!accept(item)) continue;
    taken++;
    if (!scored.has(item)) add(item, model.score(q, item));
  }
  const best = [...scored].sort((a, b) => b[1].score - a[1].score || a[0] - b[0]).slice(0, n);
  return {
    items: Int32Array.from(best, ([item]) => item),
    scores: Float32Array.from(best, ([, s]) => s.score),
    shifts: Float32Array.from(best, ([, s]) => s.shift),
  };
}
