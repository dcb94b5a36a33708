import { z } from "zod";
import { CITY_SIZE_KM, CUISINES, MEAL_PERIODS, NO_CUISINE } from "../data/city/constants.js";
import { latOf, lonOf } from "../data/city/geo.js";
import { restaurantId } from "../data/city/ids.js";
import type { CityWorld } from "../data/city/world.js";
import { Random } from "../math/random.js";
import type { ApiCall } from "./api-client.js";

/**
 * Drift the simulated city can inject, to prove drift detection (docs/drift.md) sees it:
 * - `city-centre`: the city's life moves: every user now asks from a place shifted by
 *   (dxKm, dyKm) from their home (the requested location cells drift);
 * - `price-shock`: every restaurant raises its price by `levels` (capped at 4), announced to the
 *   server as item updates (the price level of recommended items drifts);
 * - `cuisine-trend`: a `share` of restaurants turn to `cuisine` (item updates) and users' taste
 *   for it rises by `boost` (the cuisine of recommended items drifts).
 */
export const DriftInjectionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("none") }).strict(),
  z
    .object({
      kind: z.literal("city-centre"),
      dxKm: z.number().min(-CITY_SIZE_KM).max(CITY_SIZE_KM).default(4),
      dyKm: z.number().min(-CITY_SIZE_KM).max(CITY_SIZE_KM).default(4),
    })
    .strict(),
  z.object({ kind: z.literal("price-shock"), levels: z.number().int().min(1).max(3).default(2) }).strict(),
  z
    .object({
      kind: z.literal("cuisine-trend"),
      cuisine: z.enum(CUISINES.map((c) => c.name) as [string, ...string[]]).default("vegan"),
      share: z.number().gt(0).max(1).default(0.4),
      boost: z.number().min(0).max(10).default(2),
      seed: z.number().int().default(1),
    })
    .strict(),
]);
export type DriftInjection = z.infer<typeof DriftInjectionSchema>;
export type DriftKind = DriftInjection["kind"];

const MAX_PRICE = 4;

function mealPeriodsOf(mask: number): string {
  return MEAL_PERIODS.filter((_, p) => (mask >> p) & 1).join("|");
}

/** A restaurant's metadata as PUT /v1/items/{id} takes it (what items.csv holds). */
function itemBody(world: CityWorld, r: number) {
  const rs = world.restaurants;
  const c2 = rs.cuisine2[r];
  return {
    categories: [CUISINES[rs.cuisine[r]].name, ...(c2 === NO_CUISINE ? [] : [CUISINES[c2].name])],
    price: rs.price[r],
    lat: Number(latOf(rs.y[r]).toFixed(5)),
    lon: Number(lonOf(rs.x[r]).toFixed(5)),
    attributes: { meal_periods: mealPeriodsOf(rs.openMask[r]), margin: Number(rs.margin[r].toFixed(2)) },
  };
}

/**
 * The city after a drift: a copy whose users and restaurants have changed (the input is not
 * touched), plus the restaurants whose metadata changed and must be told to the server.
 */
export function driftedWorld(
  world: CityWorld,
  drift: DriftInjection,
): { world: CityWorld; changed: number[] } {
  const users = { ...world.users };
  const restaurants = { ...world.restaurants };
  const changed: number[] = [];
  if (drift.kind === "city-centre") {
    const clamp = (v: number) => Math.min(CITY_SIZE_KM, Math.max(0, v));
    users.x = world.users.x.map((x) => clamp(x + drift.dxKm));
    users.y = world.users.y.map((y) => clamp(y + drift.dyKm));
  } else if (drift.kind === "price-shock") {
    restaurants.price = world.restaurants.price.map((p) => Math.min(MAX_PRICE, p + drift.levels));
    for (let r = 0; r < restaurants.count; r++)
      if (restaurants.price[r] !== world.restaurants.price[r]) changed.push(r);
  } else if (drift.kind === "cuisine-trend") {
    const c = CUISINES.findIndex((spec) => spec.name === drift.cuisine);
    const rng = new Random(drift.seed);
    restaurants.cuisine = world.restaurants.cuisine.map((cuisine, r) => {
      if (cuisine === c || rng.next() >= drift.share) return cuisine;
      changed.push(r);
      return c;
    });
    const tastes = Float32Array.from(world.users.tastes);
    for (let u = 0; u < users.count; u++) tastes[u * world.cuisineCount + c] += drift.boost;
    users.tastes = tastes;
  }
  return { world: { ...world, users, restaurants }, changed };
}

/**
 * Injects a drift into a running server's city: applies it to the world the simulated users act
 * from and PUTs the changed restaurants' metadata. Returns the drifted world to visit with.
 */
export async function injectDrift(api: ApiCall, world: CityWorld, drift: DriftInjection): Promise<CityWorld> {
  const out = driftedWorld(world, drift);
  for (const r of out.changed) {
    const id = restaurantId(world, r);
    const answer = await api("PUT", `/v1/items/${encodeURIComponent(id)}`, itemBody(out.world, r));
    if (answer.status !== 200 && answer.status !== 201) {
      throw new Error(
        `drift '${drift.kind}': PUT /v1/items/${id}: ${answer.status} ${answer.body.slice(0, 200)}`,
      );
    }
  }
  return out.world;
}
