import type { TrainingData } from "../recommender.js";
import { type ContextEvents, contextEvents, gridOf } from "./context-events.js";
import {
  ANY,
  type CellGrid,
  type ContextKey,
  ContextPrior,
  contextKeyString,
  PERIOD_COUNT,
} from "./context-prior.js";

/** How the per-context prior is trained. */
export interface ContextPriorOptions {
  /** Side of a location cell, in km. */
  cellKm: number;
  /** β of the shrinkage towards global popularity, or "auto" to choose it on held-out events. */
  strength: number | "auto";
  /** Share of the latest events held out to choose β when it is "auto". */
  holdout: number;
}

/**
 * Defaults: 2 km cells (a neighbourhood: a short trip from where the request is made), β chosen
 * on the latest 20% of events.
 */
export const CONTEXT_PRIOR_DEFAULTS: ContextPriorOptions = { cellKm: 2, strength: "auto", holdout: 0.2 };

/** The β tried by "auto", from almost raw counts to almost global popularity. */
export const STRENGTH_GRID = [0.3, 1, 3, 10, 30, 100, 300, 1000, 3000, 10_000, 30_000];

/**
 * Trains the per-context prior from the raw events of `data` (null when the data has neither
 * locations nor times, or no events). Only events of (user, item) pairs in the training matrix
 * count, so a split's held-out pairs never leak in. An event's location is where its user lives
 * (declared home) when known, else the item's own location: requests come from where people
 * are, and in the city people choose around their home. Its meal period is that of its time.
 */
export function fitContextPrior(
  data: TrainingData,
  globalScores: Float32Array,
  options: ContextPriorOptions = CONTEXT_PRIOR_DEFAULTS,
): ContextPrior | null {
  const table = data.interactions;
  if (!table || table.length === 0) return null;
  const grid = gridOf(data, options.cellKm);
  const events = contextEvents(data, table, grid);
  if (!events) return null;
  const globalShare = shareOf(globalScores);
  const strength =
    options.strength === "auto"
      ? chooseStrength(events, grid, data.matrix.nCols, options.holdout)
      : options.strength;
  const all = Int32Array.from(events.user.keys());
  // Without locations no context has a cell; the grid is then only a placeholder.
  return new ContextPrior({
    grid: grid ?? { refLat: 0, cellKm: options.cellKm },
    strength,
    globalShare,
    ...countContexts(events, all, data.matrix.nCols),
  });
}

/** π(i): scores normalised to sum 1 (uniform when nothing was counted). */
function shareOf(scores: Float32Array): Float32Array {
  let total = 0;
  for (const s of scores) total += s;
  const out = new Float32Array(scores.length);
  for (let i = 0; i < out.length; i++) out[i] = total > 0 ? scores[i] / total : 1 / out.length;
  return out;
}

/** The three levels an event counts in: cell × period, cell × any period, any cell × period. */
const LEVELS = [
  { cell: true, period: true },
  { cell: true, period: false },
  { cell: false, period: true },
] as const;

/**
 * Distinct users per (context, item) over the events `subset`, as a contexts × items CSR matrix
 * with ascending item indices. Per level, entries are counting-sorted by user and then (stably)
 * by context, so each (context, user) group is contiguous and a per-item stamp counts each user
 * once: linear time, and memory of a few arrays of the subset's length.
 */
function countContexts(events: ContextEvents, subset: Int32Array, nItems: number) {
  const keys: ContextKey[] = [];
  const rows: { items: Int32Array; counts: Float32Array }[] = [];
  let nUsers = 0;
  for (const e of subset) nUsers = Math.max(nUsers, events.user[e] + 1);
  const scratch = new Float32Array(nItems);
  const stamp = new Int32Array(nItems).fill(-1);
  const periods = PERIOD_COUNT + 1;
  let group = 0;
  for (const level of LEVELS) {
    // Dense slot of a (cell or none, period or ANY) pair → this level's context id.
    const slots = new Int32Array((events.cells.length + 1) * periods).fill(-1);
    const levelKeys: ContextKey[] = [];
    const entries = new Int32Array(subset.length);
    const context = new Int32Array(subset.length);
    let n = 0;
    for (const e of subset) {
      const cell = events.cell[e];
      const period = events.period[e];
      if ((level.cell && cell < 0) || (level.period && period === ANY)) continue;
      const c = level.cell ? cell : -1;
      const p = level.period ? period : ANY;
      const slot = (c + 1) * periods + p + 1;
      if (slots[slot] < 0) {
        slots[slot] = levelKeys.length;
        levelKeys.push({ cell: c < 0 ? null : events.cells[c], period: p });
      }
      entries[n] = e;
      context[n++] = slots[slot];
    }
    const byUser = countingSort(n, userOf(events.user, entries), nUsers, null);
    const order = countingSort(n, context, levelKeys.length, byUser);
    let j = 0;
    while (j < n) {
      const c = context[order[j]];
      const touched: number[] = [];
      let user = -1;
      for (; j < n && context[order[j]] === c; j++) {
        const e = entries[order[j]];
        if (events.user[e] !== user) {
          user = events.user[e];
          group++;
        }
        const item = events.item[e];
        if (stamp[item] === group) continue;
        stamp[item] = group;
        if (scratch[item] === 0) touched.push(item);
        scratch[item]++;
      }
      const items = Int32Array.from(touched).sort();
      const counts = new Float32Array(items.length);
      for (let t = 0; t < items.length; t++) {
        counts[t] = scratch[items[t]];
        scratch[items[t]] = 0;
      }
      keys.push(levelKeys[c]);
      rows.push({ items, counts });
    }
  }
  const contexts = new Int32Array(4 * keys.length);
  const indptr = new Int32Array(keys.length + 1);
  keys.forEach((key, c) => {
    contexts.set([key.cell ? 1 : 0, key.cell?.x ?? 0, key.cell?.y ?? 0, key.period], 4 * c);
    indptr[c + 1] = indptr[c] + rows[c].items.length;
  });
  const indices = new Int32Array(indptr[keys.length]);
  const counts = new Float32Array(indptr[keys.length]);
  rows.forEach((row, c) => {
    indices.set(row.items, indptr[c]);
    counts.set(row.counts, indptr[c]);
  });
  return { contexts, indptr, indices, counts };
}

/** The user of each entry (entries are event positions). */
function userOf(users: Int32Array, entries: Int32Array): Int32Array {
  const out = new Int32Array(entries.length);
  for (let j = 0; j < entries.length; j++) out[j] = users[entries[j]];
  return out;
}

/** A stable counting sort of positions 0..n-1 (in `order`, or ascending) by `key` in [0, range). */
function countingSort(n: number, key: Int32Array, range: number, order: Int32Array | null): Int32Array {
  const start = new Int32Array(range + 1);
  for (let j = 0; j < n; j++) start[key[j] + 1]++;
  for (let k = 0; k < range; k++) start[k + 1] += start[k];
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const j = order ? order[r] : r;
    out[start[key[j]]++] = j;
  }
  return out;
}

/** The contexts of an event, most specific first. */
function contextsOf(events: ContextEvents, e: number): ContextKey[] {
  const cell = events.cell[e] < 0 ? null : events.cells[events.cell[e]];
  const period = events.period[e];
  const keys: ContextKey[] = [];
  if (cell && period !== ANY) keys.push({ cell, period });
  if (cell) keys.push({ cell, period: ANY });
  if (period !== ANY) keys.push({ cell: null, period });
  return keys;
}

/**
 * Empirical Bayes for β: fit counts on the earliest events, then pick the β whose smoothed
 * p(i | c) gives the latest `holdout` share of events the highest mean log-likelihood (each in its
 * most specific trained context, against a Laplace-smoothed global share of the earliest events).
 */
function chooseStrength(
  events: ContextEvents,
  grid: CellGrid | null,
  nItems: number,
  holdout: number,
): number {
  const n = events.user.length;
  const byTime = Int32Array.from(events.user.keys()).sort((a, b) => events.time[a] - events.time[b] || a - b);
  const cut = Math.floor(n * (1 - holdout));
  if (cut === 0 || cut === n) return 100;
  const fitted = countContexts(events, byTime.subarray(0, cut), nItems);
  const globalCounts = new Float64Array(nItems);
  for (let j = 0; j < cut; j++) globalCounts[events.item[byTime[j]]]++;
  const share = new Float32Array(nItems);
  for (let i = 0; i < nItems; i++) share[i] = (globalCounts[i] + 1) / (cut + nItems);
  const prior = new ContextPrior({
    grid: grid ?? { refLat: 0, cellKm: 1 },
    strength: 0,
    globalShare: share,
    ...fitted,
  });
  const keyRow = new Map<string, number>();
  for (let c = 0; c < prior.contextCount; c++) keyRow.set(contextKeyString(prior.keyAt(c)), c);
  const held: { count: number; total: number; share: number }[] = [];
  for (let j = cut; j < n; j++) {
    const e = byTime[j];
    const row = contextsOf(events, e)
      .map((key) => keyRow.get(contextKeyString(key)))
      .find((c) => c !== undefined);
    if (row === undefined) continue;
    const item = events.item[e];
    held.push({ count: prior.countOf(row, item), total: prior.totalOf(row), share: share[item] });
  }
  let best = STRENGTH_GRID[0];
  let bestLogLikelihood = Number.NEGATIVE_INFINITY;
  for (const beta of STRENGTH_GRID) {
    let sum = 0;
    for (const h of held) sum += Math.log((h.count + beta * h.share) / (h.total + beta));
    if (sum > bestLogLikelihood) {
      bestLogLikelihood = sum;
      best = beta;
    }
  }
  return best;
}
