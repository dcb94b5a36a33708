import { z } from "zod";
import { MEAL_PERIODS } from "../../data/city/constants.js";
import { periodAt } from "../../data/city/meal-time.js";
import { Random } from "../../math/random.js";
import type { TrainingData } from "../recommender.js";
import { type ReplayRecommend, requestSample, servedLike } from "./baseline-replay.js";
import {
  ACTIVITY_EDGES,
  type BinRule,
  BinRuleSchema,
  binCount,
  categoryBin,
  cuisineOf,
  edgeBin,
  gridBin,
  priceOf,
} from "./drift-binning.js";
import type { Manifest } from "./manifest.js";

/** Version of the baselines block; a reader skips (reports "no baseline") versions it does not know. */
export const DRIFT_BASELINES_VERSION = 1;

/** A binned feature's training-time counts (compared by population stability index). */
const BinnedBaselineSchema = z.object({
  name: z.string().min(1),
  kind: z.literal("psi"),
  rule: BinRuleSchema,
  counts: z.array(z.number().nonnegative()),
});

/** A continuous feature's training-time sample, sorted (compared by Kolmogorov–Smirnov). */
const SampleBaselineSchema = z.object({
  name: z.string().min(1),
  kind: z.literal("ks"),
  sample: z.array(z.number()).min(1).max(10_000),
});

export const FeatureBaselineSchema = z.discriminatedUnion("kind", [
  BinnedBaselineSchema,
  SampleBaselineSchema,
]);
export type FeatureBaseline = z.infer<typeof FeatureBaselineSchema>;
export type BinnedBaseline = z.infer<typeof BinnedBaselineSchema>;

/** The training-time distributions a model version is compared against while it serves. */
export const DriftBaselinesSchema = z.object({
  version: z.literal(DRIFT_BASELINES_VERSION),
  /** Length of the top-k lists the score, popularity, price and cuisine baselines come from. */
  k: z.number().int().min(1),
  /** Lists replayed (users drawn by activity, with replacement). */
  users: z.number().int().nonnegative(),
  features: z.array(FeatureBaselineSchema),
});
export type DriftBaselines = z.infer<typeof DriftBaselinesSchema>;

/** Feature names, shared with the monitor and the admin API. */
export const DRIFT_FEATURES = {
  score: "prediction_score",
  activity: "user_activity",
  popularity: "item_popularity",
  location: "location_cell",
  meal: "meal_period",
  price: "price_level",
  cuisine: "cuisine",
} as const;

/** Options of the baseline computation. */
export interface BaselineOptions {
  /** Lists replayed: users drawn by activity with a seeded generator (scoring is brute force). */
  sampleUsers?: number;
  k?: number;
  seed?: number;
}

/** Per-item training popularity: distinct users per item (what serving ranks popularity by). */
export function itemPopularity(data: TrainingData): Float32Array {
  const counts = new Float32Array(data.matrix.nCols);
  for (const item of data.matrix.indices) counts[item]++;
  return counts;
}

/** Distinct cut points at the given quantiles of `values` (ascending). */
function quantileEdges(values: ArrayLike<number>, quantiles: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  const edges = new Set<number>();
  for (const q of quantiles) {
    if (sorted.length === 0) break;
    const v = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    if (v > sorted[0]) edges.add(v);
  }
  return [...edges].sort((a, b) => a - b);
}

const DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** Price bins: one per distinct price when there are few (price levels), else quintiles. */
function priceRule(data: TrainingData): BinRule | null {
  const prices = data.itemMeta.map(priceOf).filter((p): p is number => p !== undefined);
  if (prices.length === 0) return null;
  const distinct = [...new Set(prices)].sort((a, b) => a - b);
  const edges = distinct.length <= 10 ? distinct.slice(1) : quantileEdges(prices, [0.2, 0.4, 0.6, 0.8]);
  return { type: "edges", edges };
}

/** The catalogue's most common leading categories (at most 15), by item count. */
function cuisineRule(data: TrainingData): BinRule | null {
  const counts = new Map<string, number>();
  for (const item of data.itemMeta) {
    const c = cuisineOf(item);
    if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  if (counts.size === 0) return null;
  const names = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 15);
  return { type: "categories", names: names.map(([name]) => name) };
}

/** A 4 × 4 grid over the bounding box of the catalogue's located items. */
function gridRule(data: TrainingData): BinRule | null {
  const located = data.itemMeta.filter((i) => i?.lat !== undefined && i.lon !== undefined) as {
    lat: number;
    lon: number;
  }[];
  if (located.length === 0) return null;
  const lats = located.map((i) => i.lat);
  const lons = located.map((i) => i.lon);
  return {
    type: "grid",
    minLat: Math.min(...lats),
    maxLat: Math.max(...lats),
    minLon: Math.min(...lons),
    maxLon: Math.max(...lons),
    cellsPerSide: 4,
  };
}

function counter(rule: BinRule) {
  const counts = new Array<number>(binCount(rule)).fill(0);
  const add = (bin: number, weight = 1) => {
    counts[bin] += weight;
  };
  return { counts, add };
}

/**
 * The training-time baselines of a model: over a seeded sample of training users' top-k lists
 * (seen items excluded, as serving does), the scores, the items' popularity, price and cuisine;
 * over the training data, users' activity (weighted by it, since active users ask more often),
 * where users are (their declared home, else the places they went) and the meal periods of the
 * interactions. Features the data cannot support (no prices, no timestamps) are left out.
 */
export function computeDriftBaselines(
  data: TrainingData,
  recommend: ReplayRecommend,
  options: BaselineOptions = {},
): DriftBaselines {
  const k = options.k ?? 10;
  const m = data.matrix;
  const rng = new Random(options.seed ?? 20_260_601);
  const sample = requestSample(data, options.sampleUsers ?? 300, rng);
  const lists = servedLike(data, sample, k, rng, recommend);
  const popularity = itemPopularity(data);
  const features: FeatureBaseline[] = [];

  const scores: number[] = [];
  const popularityRule: BinRule = { type: "edges", edges: quantileEdges(popularity, DECILES) };
  const pop = counter(popularityRule);
  const price = priceRule(data);
  const prices = price && counter(price);
  const cuisine = cuisineRule(data);
  const cuisines = cuisine && counter(cuisine);
  for (let s = 0; s < lists.items.length; s++) {
    const item = lists.items[s];
    if (item < 0) continue;
    scores.push(lists.scores[s]);
    if (popularityRule.type === "edges") pop.add(edgeBin(popularityRule.edges, popularity[item]));
    const p = priceOf(data.itemMeta[item]);
    if (prices && price?.type === "edges" && p !== undefined) prices.add(edgeBin(price.edges, p));
    if (cuisines && cuisine?.type === "categories")
      cuisines.add(categoryBin(cuisine.names, cuisineOf(data.itemMeta[item])));
  }
  if (scores.length > 0)
    features.push({ name: DRIFT_FEATURES.score, kind: "ks", sample: thin(scores, 5000) });
  features.push({ name: DRIFT_FEATURES.popularity, kind: "psi", rule: popularityRule, counts: pop.counts });
  if (price && prices)
    features.push({ name: DRIFT_FEATURES.price, kind: "psi", rule: price, counts: prices.counts });
  if (cuisine && cuisines)
    features.push({ name: DRIFT_FEATURES.cuisine, kind: "psi", rule: cuisine, counts: cuisines.counts });

  const activityRule: BinRule = { type: "edges", edges: ACTIVITY_EDGES };
  const activity = counter(activityRule);
  for (let u = 0; u < m.nRows; u++) {
    // Requests come in proportion to a user's events, which the row's summed weights follow.
    let events = 0;
    for (let e = m.indptr[u]; e < m.indptr[u + 1]; e++) events += m.values[e];
    activity.add(edgeBin(ACTIVITY_EDGES, m.indptr[u + 1] - m.indptr[u]), events);
  }
  features.push({ name: DRIFT_FEATURES.activity, kind: "psi", rule: activityRule, counts: activity.counts });

  const grid = gridRule(data);
  if (grid?.type === "grid") {
    const cells = counter(grid);
    for (let u = 0; u < m.nRows; u++) {
      const n = m.indptr[u + 1] - m.indptr[u];
      const home = data.userMeta[u]?.attributes;
      if (typeof home?.home_lat === "number" && typeof home.home_lon === "number") {
        cells.add(gridBin(grid, home.home_lat, home.home_lon), n);
        continue;
      }
      for (let e = m.indptr[u]; e < m.indptr[u + 1]; e++) {
        const item = data.itemMeta[m.indices[e]];
        if (item?.lat !== undefined && item.lon !== undefined) cells.add(gridBin(grid, item.lat, item.lon));
      }
    }
    if (cells.counts.some((c) => c > 0))
      features.push({ name: DRIFT_FEATURES.location, kind: "psi", rule: grid, counts: cells.counts });
  }

  const times = m.timestamps;
  if (times?.some((t) => t > 0)) {
    const mealRule: BinRule = { type: "categories", names: [...MEAL_PERIODS] };
    const meals = counter(mealRule);
    for (const t of times) if (t > 0) meals.add(periodAt(t));
    features.push({ name: DRIFT_FEATURES.meal, kind: "psi", rule: mealRule, counts: meals.counts });
  }
  return { version: DRIFT_BASELINES_VERSION, k, users: sample.length, features };
}

/** At most `max` values, evenly spaced through the sorted values (keeps the shape of the ECDF). */
function thin(values: number[], max: number): number[] {
  // Six significant digits: ample for an ECDF, and a third of the JSON of full doubles.
  const sorted = [...values].sort((a, b) => a - b).map((v) => Number(v.toPrecision(6)));
  if (sorted.length <= max) return sorted;
  return Array.from({ length: max }, (_, i) => sorted[Math.floor(((i + 0.5) * sorted.length) / max)]);
}

/** The baselines of a manifest: absent (older artifacts), unreadable, or parsed. */
export function driftBaselinesOf(
  manifest: Manifest,
): { ok: true; baselines: DriftBaselines } | { ok: false; reason: string } {
  const raw = manifest.driftBaselines;
  if (raw === undefined) return { ok: false, reason: "no baseline: the model was saved without one" };
  const parsed = DriftBaselinesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `no baseline: driftBaselines.${issue.path.join(".")}: ${issue.message}` };
  }
  return { ok: true, baselines: parsed.data };
}
