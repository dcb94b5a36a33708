import type { Item } from "../../core/types.js";
import { MEAL_PERIODS } from "../../data/city/constants.js";
import { periodAt } from "../../data/city/meal-time.js";
import type { Random } from "../../math/random.js";
import { declaredHome } from "../popularity/context-events.js";
import type { RequestContext } from "../popularity/context-prior.js";
import type { Recommendations, TrainingData } from "../recommender.js";

/**
 * The serving path replayed at training time, so the drift baselines of model outputs (scores,
 * popularity, price, cuisine of listed items) describe what healthy traffic will be served
 * rather than unfiltered top-k lists (docs/drift.md measures the difference).
 */

/**
 * Top-k lists for users among candidate items, in the request's context (where and when it is
 * asked from), as the serving path would rank them there.
 */
export type ReplayRecommend = (
  users: Int32Array,
  k: number,
  candidates?: Int32Array,
  context?: RequestContext,
) => Recommendations;

/**
 * Users drawn with replacement in proportion to their summed event weights: requests come from
 * users in proportion to their activity, so heavy users (whose lists exclude more seen items)
 * weigh in the baseline as they do in traffic.
 */
export function requestSample(data: TrainingData, n: number, rng: Random): Int32Array {
  const m = data.matrix;
  const cumulative = new Float64Array(m.nRows);
  let total = 0;
  for (let u = 0; u < m.nRows; u++) {
    for (let e = m.indptr[u]; e < m.indptr[u + 1]; e++) total += m.values[e];
    cumulative[u] = total;
  }
  if (!(total > 0)) return new Int32Array(0);
  return Int32Array.from({ length: n }, () => {
    const target = rng.next() * total;
    let lo = 0;
    let hi = m.nRows - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  });
}

const KM_PER_DEGREE = 111.195;

/** The search radius of a baseline request: this quantile of the user's distances to places they went. */
const RADIUS_QUANTILE = 0.75;

/** Distance in km between two points (equirectangular: exact enough within a city). */
function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const x = (lon2 - lon1) * Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180);
  return Math.hypot(x, lat2 - lat1) * KM_PER_DEGREE;
}

/** Whether an item is open at meal period `p` (items without opening hours always are). */
function openAt(item: Item | undefined, p: number): boolean {
  const periods = item?.attributes.meal_periods;
  if (typeof periods !== "string" || periods === "") return true;
  return periods.split("|").includes(MEAL_PERIODS[p]);
}

/**
 * Top-k lists of the sampled users as serving would give them in their own context: each user
 * asks at the time of one of their training interactions (only places open then) from their
 * home, with a radius reaching most places they went (RADIUS_QUANTILE). Without times or locations the filter
 * that needs them is skipped. The live lists are filtered this way, so a baseline of unfiltered
 * lists would differ from healthy traffic by the filters alone.
 */
export function servedLike(
  data: TrainingData,
  users: Int32Array,
  k: number,
  rng: Random,
  recommend: ReplayRecommend,
): Recommendations {
  const m = data.matrix;
  const items = new Int32Array(users.length * k).fill(-1);
  const scores = new Float32Array(users.length * k);
  const open: number[] = [];
  users.forEach((u, b) => {
    const start = m.indptr[u];
    const length = m.indptr[u + 1] - start;
    const pick = length > 0 ? start + rng.int(length) : -1;
    const t = pick >= 0 ? (m.timestamps?.[pick] ?? 0) : 0;
    const period = t > 0 ? periodAt(t) : -1;
    const attrs = data.userMeta[u]?.attributes;
    const home = declaredHome(attrs);
    let radius = Number.POSITIVE_INFINITY;
    if (home) {
      const distances: number[] = [];
      for (let e = start; e < start + length; e++) {
        const item = data.itemMeta[m.indices[e]];
        if (item?.lat !== undefined && item.lon !== undefined)
          distances.push(distanceKm(home.lat, home.lon, item.lat, item.lon));
      }
      distances.sort((a, b) => a - b);
      if (distances.length > 0) radius = distances[Math.floor(RADIUS_QUANTILE * (distances.length - 1))];
    }
    open.length = 0;
    for (let i = 0; i < m.nCols; i++) {
      const item = data.itemMeta[i];
      if (period >= 0 && !openAt(item, period)) continue;
      if (home && Number.isFinite(radius) && item?.lat !== undefined && item.lon !== undefined) {
        if (distanceKm(home.lat, home.lon, item.lat, item.lon) > radius) continue;
      }
      open.push(i);
    }
    const context = { lat: home?.lat, lon: home?.lon, period: period >= 0 ? period : undefined };
    const list = recommend(Int32Array.of(u), k, Int32Array.from(open), context);
    items.set(list.items.subarray(0, k), b * k);
    scores.set(list.scores.subarray(0, k), b * k);
  });
  return { k, items, scores };
}
