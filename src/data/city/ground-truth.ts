import { BOOKING_THRESHOLD, CLICK_THRESHOLD, NO_CUISINE } from "./constants.js";
import { xOf, yOf } from "./geo.js";
import { periodAt } from "./meal-time.js";
import type { CityWorld } from "./world.js";

/**
 * The city's ground truth: how much user u wants restaurant r,
 *
 *   U(u, r) = taste_u[cuisine_r] + quality_r − priceSensitivity_u·|price_r − pricePref_u|
 *             − distance(u, r) / distanceScale_u
 *
 * (a two-cuisine restaurant counts the cuisine the user likes more). Users view restaurants with
 * probability ∝ exp(U) among those open, click with σ(U − CLICK_THRESHOLD) and, once clicked, book
 * with σ(U − BOOKING_THRESHOLD). Generation and live simulation both use these functions.
 */

/** Where and when a user decides: defaults to at home, at any time (opening hours ignored). */
export interface GroundTruthContext {
  lat?: number;
  lon?: number;
  /** Unix seconds; when given, restaurants closed at its meal period have utility −∞. */
  time?: number;
}

/** The taste part of U: the user's taste for the restaurant's (better-liked) cuisine. */
export function tasteTerm(world: CityWorld, u: number, r: number): number {
  const row = u * world.cuisineCount;
  const t = world.users.tastes;
  const c2 = world.restaurants.cuisine2[r];
  const t1 = t[row + world.restaurants.cuisine[r]];
  return c2 === NO_CUISINE ? t1 : Math.max(t1, t[row + c2]);
}

/** U(u, r) with the user standing at plane point (x, y) km, ignoring opening hours. */
export function utilityAt(world: CityWorld, u: number, r: number, x: number, y: number): number {
  const users = world.users;
  const rs = world.restaurants;
  const dx = rs.x[r] - x;
  const dy = rs.y[r] - y;
  return (
    tasteTerm(world, u, r) +
    rs.quality[r] -
    users.priceSensitivity[u] * Math.abs(rs.price[r] - users.pricePreference[u]) -
    Math.sqrt(dx * dx + dy * dy) / users.distanceScale[u]
  );
}

/** The ground-truth utility of restaurant r for user u in a context (−∞ when closed then). */
export function utility(world: CityWorld, u: number, r: number, context: GroundTruthContext = {}): number {
  if (context.time !== undefined && ((world.restaurants.openMask[r] >> periodAt(context.time)) & 1) === 0) {
    return Number.NEGATIVE_INFINITY;
  }
  const x = context.lon === undefined ? world.users.x[u] : xOf(context.lon);
  const y = context.lat === undefined ? world.users.y[u] : yOf(context.lat);
  return utilityAt(world, u, r, x, y);
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** P(click | view) of a restaurant with utility `u`. */
export function clickProbabilityOf(u: number): number {
  return sigmoid(u - CLICK_THRESHOLD);
}

/** P(booking | click) of a restaurant with utility `u`. */
export function bookingProbabilityOf(u: number): number {
  return sigmoid(u - BOOKING_THRESHOLD);
}

/** The probability that user u clicks restaurant r when shown it in a context. */
export function clickProbability(
  world: CityWorld,
  u: number,
  r: number,
  context: GroundTruthContext = {},
): number {
  return clickProbabilityOf(utility(world, u, r, context));
}

/** The probability that user u books restaurant r once they clicked it (0 when it is closed). */
export function bookingProbability(
  world: CityWorld,
  u: number,
  r: number,
  context: GroundTruthContext = {},
): number {
  return bookingProbabilityOf(utility(world, u, r, context));
}

/** A ranking: restaurant indices, best first, with their utilities (parallel arrays). */
export interface OracleRanking {
  readonly indices: Int32Array;
  readonly utilities: Float64Array;
}

/**
 * The k restaurants of highest ground-truth utility for user u (closed ones excluded when the
 * context has a time); ties go to the lower index. What a perfect recommender would return.
 */
export function oracleTopK(
  world: CityWorld,
  u: number,
  k: number,
  context: GroundTruthContext = {},
): OracleRanking {
  const n = world.restaurants.count;
  const size = Math.max(0, Math.min(k, n));
  // A min-heap of the best `size` so far, keyed by (utility, −index).
  const heapIdx = new Int32Array(size);
  const heapVal = new Float64Array(size);
  let filled = 0;
  const worse = (a: number, b: number) =>
    heapVal[a] < heapVal[b] || (heapVal[a] === heapVal[b] && heapIdx[a] > heapIdx[b]);
  const swap = (a: number, b: number) => {
    const i = heapIdx[a];
    heapIdx[a] = heapIdx[b];
    heapIdx[b] = i;
    const v = heapVal[a];
    heapVal[a] = heapVal[b];
    heapVal[b] = v;
  };
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const rr = l + 1;
      let m = i;
      if (l < filled && worse(l, m)) m = l;
      if (rr < filled && worse(rr, m)) m = rr;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (let r = 0; r < n && size > 0; r++) {
    const value = utility(world, u, r, context);
    if (value === Number.NEGATIVE_INFINITY) continue;
    if (filled < size) {
      heapIdx[filled] = r;
      heapVal[filled] = value;
      let i = filled++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    } else if (value > heapVal[0]) {
      heapIdx[0] = r;
      heapVal[0] = value;
      siftDown(0);
    }
  }
  const order = Array.from({ length: filled }, (_, i) => i).sort((a, b) =>
    heapVal[b] !== heapVal[a] ? heapVal[b] - heapVal[a] : heapIdx[a] - heapIdx[b],
  );
  return {
    indices: Int32Array.from(order, (i) => heapIdx[i]),
    utilities: Float64Array.from(order, (i) => heapVal[i]),
  };
}
