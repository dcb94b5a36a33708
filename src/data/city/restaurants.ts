import { Random } from "../../math/random.js";
import {
  CUISINES,
  MEAL_PERIODS,
  NO_CUISINE,
  RESTAURANT_CENTRE_SHARE,
  RESTAURANT_CENTRE_SPREAD_KM,
  SECOND_CUISINE_PROBABILITY,
} from "./constants.js";
import { drawCityPoint, type PlanePoint } from "./geo.js";
import { type ResolvedCityParams, STREAMS, streamSeed } from "./params.js";
import type { CityRestaurants } from "./world.js";

const CUISINE_CUMULATIVE = (() => {
  const out = new Float64Array(CUISINES.length);
  let sum = 0;
  for (let c = 0; c < CUISINES.length; c++) out[c] = sum += CUISINES[c].weight;
  return out;
})();

/** A cuisine index drawn in proportion to how common each cuisine is. */
export function drawCuisine(rng: Random): number {
  const t = rng.next() * CUISINE_CUMULATIVE[CUISINE_CUMULATIVE.length - 1];
  let c = 0;
  while (c < CUISINE_CUMULATIVE.length - 1 && t >= CUISINE_CUMULATIVE[c]) c++;
  return c;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Builds the restaurants of a city from its own random stream. */
export function buildRestaurants(params: ResolvedCityParams): CityRestaurants {
  const n = params.restaurants;
  const rng = new Random(streamSeed(params.seed, STREAMS.restaurants));
  const r: CityRestaurants = {
    count: n,
    cuisine: new Uint8Array(n),
    cuisine2: new Uint8Array(n),
    price: new Uint8Array(n),
    x: new Float32Array(n),
    y: new Float32Array(n),
    quality: new Float32Array(n),
    openMask: new Uint8Array(n),
    margin: new Float32Array(n),
  };
  const point: PlanePoint = { x: 0, y: 0 };
  for (let i = 0; i < n; i++) {
    drawCityPoint(rng, RESTAURANT_CENTRE_SHARE, RESTAURANT_CENTRE_SPREAD_KM, point);
    r.x[i] = point.x;
    r.y[i] = point.y;
    const c = drawCuisine(rng);
    r.cuisine[i] = c;
    let c2 = NO_CUISINE;
    if (rng.next() < SECOND_CUISINE_PROBABILITY) {
      do c2 = drawCuisine(rng);
      while (c2 === c);
    }
    r.cuisine2[i] = c2;
    const price = clamp(Math.round(CUISINES[c].price + 0.7 * rng.normal()), 1, 4);
    r.price[i] = price;
    r.quality[i] = params.qualitySpread * rng.normal();
    r.openMask[i] = drawOpenMask(rng, c);
    // Dearer places keep more of each booking, with plenty of spread.
    const margin = clamp(0.08 + 0.06 * price + 0.08 * rng.normal(), 0.02, 0.6);
    r.margin[i] = Math.round(margin * 100) / 100;
  }
  return r;
}

function drawOpenMask(rng: Random, cuisine: number): number {
  const open = CUISINES[cuisine].open;
  let mask = 0;
  let likeliest = 0;
  for (let p = 0; p < MEAL_PERIODS.length; p++) {
    if (rng.next() < open[p]) mask |= 1 << p;
    if (open[p] > open[likeliest]) likeliest = p;
  }
  // A restaurant that is never open would be dead weight: open it when it most likely is.
  return mask === 0 ? 1 << likeliest : mask;
}
