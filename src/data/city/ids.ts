import type { CityWorld } from "./world.js";

/**
 * External ids of the city: `u` or `r` and the dense index zero-padded to the digits of the
 * count (2,000,000 users → `u0001234`), so ids sort like indices and map back without a table.
 */

/** Digits in the ids of a city with `count` entities. */
export function idWidth(count: number): number {
  return String(count).length;
}

/** The external id of user index `u`. */
export function userId(world: CityWorld, u: number): string {
  return "u" + String(u).padStart(idWidth(world.users.count), "0");
}

/** The external id of restaurant index `r`. */
export function restaurantId(world: CityWorld, r: number): string {
  return "r" + String(r).padStart(idWidth(world.restaurants.count), "0");
}

function parse(id: string, prefix: string, count: number): number {
  if (id.length !== 1 + idWidth(count) || id[0] !== prefix) return -1;
  const digits = id.slice(1);
  if (!/^[0-9]+$/.test(digits)) return -1;
  const index = Number(digits);
  return index < count ? index : -1;
}

/** The user index of an external user id, or -1 when it is not a user of this city. */
export function userIndexOf(world: CityWorld, id: string): number {
  return parse(id, "u", world.users.count);
}

/** The restaurant index of an external item id, or -1 when it is not a restaurant of this city. */
export function restaurantIndexOf(world: CityWorld, id: string): number {
  return parse(id, "r", world.restaurants.count);
}
