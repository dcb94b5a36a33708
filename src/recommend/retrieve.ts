import { TopK } from "../math/top-k.js";
import type { ServingModel } from "./serving-model.js";

/** Scored candidates as parallel arrays, best first. */
export interface Candidates {
  items: Int32Array;
  scores: Float32Array;
  /** What a request's context added to each score through the popularity part (absent: nothing). */
  shifts?: Float32Array;
}

/**
 * The best `n` items for query `q` that pass `accept`. Over-fetches from the index and widens
 * the fetch when filters leave the list short; after three rounds it scans every item, so the
 * list is never short while enough items qualify (issue: "over-fetch so filters never leave the
 * list short"). `knownRejects` is how many items the caller knows `accept` refuses (the user's
 * history, explicit excludes): the first fetch covers them, since a user's own items are just
 * what their query ranks highest, and each widening round costs about 8× the one before.
 */
export function retrieve(
  model: ServingModel,
  q: Float32Array,
  n: number,
  accept: (item: number) => boolean,
  knownRejects = 0,
): Candidates {
  const size = model.index.size;
  let want = Math.min(size, Math.max(2 * n, n + 20) + knownRejects);
  for (let round = 0; round < 3; round++) {
    const found = model.index.search(q, want);
    const items: number[] = [];
    const scores: number[] = [];
    for (let c = 0; c < found.indices.length && items.length < n; c++) {
      const item = found.indices[c];
      if (item < 0 || !accept(item)) continue;
      items.push(item);
      scores.push(found.scores[c]);
    }
    if (items.length >= n || want >= size)
      return { items: Int32Array.from(items), scores: Float32Array.from(scores) };
    want = Math.min(size, want * 8);
  }
  return exhaustive(model, q, n, accept);
}

function exhaustive(
  model: ServingModel,
  q: Float32Array,
  n: number,
  accept: (item: number) => boolean,
): Candidates {
  const top = new TopK(n);
  const size = model.catalog.size;
  for (let item = 0; item < size; item++) if (accept(item)) top.push(item, model.score(q, item));
  const items = new Int32Array(n);
  const scores = new Float32Array(n);
  top.drainInto(items, scores, 0);
  let length = 0;
  while (length < n && items[length] >= 0) length++;
  return { items: items.subarray(0, length), scores: scores.subarray(0, length) };
}
