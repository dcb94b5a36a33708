import { CUISINES } from "./constants.js";
import { type CityParams, type ResolvedCityParams, resolveCityParams } from "./params.js";
import { buildRestaurants } from "./restaurants.js";
import { buildUsers } from "./users.js";

/** Restaurants as parallel typed arrays, indexed by restaurant index. */
export interface CityRestaurants {
  readonly count: number;
  /** Primary cuisine (index into CUISINES). */
  readonly cuisine: Uint8Array;
  /** Second cuisine, or NO_CUISINE. */
  readonly cuisine2: Uint8Array;
  /** Price level 1–4. */
  readonly price: Uint8Array;
  /** Position on the city plane, km. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  /** Latent quality in utility units: the log of its pull on everyone. */
  readonly quality: Float32Array;
  /** Bit p set when open at MEAL_PERIODS[p]. */
  readonly openMask: Uint8Array;
  /** Margin 0..1, already rounded to the 2 decimals written to items.csv. */
  readonly margin: Float32Array;
}

/** Users as parallel typed arrays, indexed by user index. */
export interface CityUsers {
  readonly count: number;
  /** Latent taste per cuisine: row-major users × CUISINES.length. */
  readonly tastes: Float32Array;
  /** Home on the city plane, km. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  /** Preferred price level (continuous, 1–4). */
  readonly pricePreference: Float32Array;
  /** Utility lost per price level away from the preference. */
  readonly priceSensitivity: Float32Array;
  /** Distance (km) that costs one unit of utility. */
  readonly distanceScale: Float32Array;
  /** Relative rate of starting sessions (heavy-tailed). */
  readonly activity: Float32Array;
  /** Declared cuisines: users × 2, -1 where nothing is declared. */
  readonly declared: Int8Array;
}

/** A whole simulated city: everything ground truth and generation need, rebuilt from params. */
export interface CityWorld {
  readonly params: ResolvedCityParams;
  readonly cuisineCount: number;
  readonly users: CityUsers;
  readonly restaurants: CityRestaurants;
}

/** Builds the city of `params` (deterministic: the same params always give the same world). */
export function buildWorld(params: CityParams): CityWorld {
  const resolved = resolveCityParams(params);
  return {
    params: resolved,
    cuisineCount: CUISINES.length,
    restaurants: buildRestaurants(resolved),
    users: buildUsers(resolved),
  };
}

/** Whether restaurant `r` is open at meal period index `period`. */
export function isOpen(world: CityWorld, r: number, period: number): boolean {
  return ((world.restaurants.openMask[r] >> period) & 1) === 1;
}
