import { InputError } from "../../core/errors.js";
import { DEFAULT_START } from "./constants.js";

/**
 * What a city is built from. A plain JSON-able object on purpose: city.json stores it so the world
 * can be rebuilt, and later issues add fields (e.g. drift such as a cuisine trend) without new
 * plumbing. Optional fields fall back to `CITY_DEFAULTS`.
 */
export interface CityParams {
  users: number;
  restaurants: number;
  days: number;
  seed: number;
  /** First day of history (ISO date or date-time, UTC); the day starts at its midnight. */
  start?: string;
  /** Average sessions a user starts per day (before the activity skew and weekly factor). */
  sessionsPerUserDay?: number;
  /** Standard deviation of restaurant quality (log popularity): sets the popularity skew. */
  qualitySpread?: number;
  /** Standard deviation of log user activity: sets how much heavy users dominate. */
  activitySpread?: number;
  /** Standard deviation of a user's taste around the city's appetite for each cuisine. */
  tasteSpread?: number;
  /** Share of users who declare no cuisine preference. */
  undeclaredShare?: number;
}

/** `CityParams` with every optional field filled in. */
export type ResolvedCityParams = Required<CityParams>;

/** Defaults of the optional params (about 5 events per session and 0.85 sessions a user a week). */
export const CITY_DEFAULTS = {
  start: DEFAULT_START,
  sessionsPerUserDay: 0.175,
  qualitySpread: 1.3,
  activitySpread: 1.0,
  tasteSpread: 0.8,
  undeclaredShare: 0.2,
} as const satisfies Omit<ResolvedCityParams, "users" | "restaurants" | "days" | "seed">;

/** Largest counts the id formats and typed arrays are sized for. */
const LIMITS = { users: 100_000_000, restaurants: 10_000_000, days: 3650 } as const;

function fail(field: string, reason: string): never {
  throw new InputError({ source: "city params", field }, reason);
}

function checkCount(field: keyof typeof LIMITS, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > LIMITS[field]) {
    fail(field, `must be an integer from 1 to ${LIMITS[field]}, got ${value}`);
  }
}

function checkRange(field: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    fail(field, `must be a number from ${min} to ${max}, got ${value}`);
  }
}

/** Validates `params` and fills in defaults; throws an InputError naming the bad field. */
export function resolveCityParams(params: CityParams): ResolvedCityParams {
  // A fixed key order, so city.json is byte-identical however the caller ordered its object.
  const resolved: ResolvedCityParams = {
    users: params.users,
    restaurants: params.restaurants,
    days: params.days,
    seed: params.seed,
    start: params.start ?? CITY_DEFAULTS.start,
    sessionsPerUserDay: params.sessionsPerUserDay ?? CITY_DEFAULTS.sessionsPerUserDay,
    qualitySpread: params.qualitySpread ?? CITY_DEFAULTS.qualitySpread,
    activitySpread: params.activitySpread ?? CITY_DEFAULTS.activitySpread,
    tasteSpread: params.tasteSpread ?? CITY_DEFAULTS.tasteSpread,
    undeclaredShare: params.undeclaredShare ?? CITY_DEFAULTS.undeclaredShare,
  };
  checkCount("users", resolved.users);
  checkCount("restaurants", resolved.restaurants);
  checkCount("days", resolved.days);
  if (!Number.isInteger(resolved.seed) || resolved.seed < 0 || resolved.seed > 0xffffffff) {
    fail("seed", `must be an integer from 0 to 4294967295, got ${resolved.seed}`);
  }
  startSeconds(resolved.start);
  checkRange("sessionsPerUserDay", resolved.sessionsPerUserDay, 0, 100);
  checkRange("qualitySpread", resolved.qualitySpread, 0, 5);
  checkRange("activitySpread", resolved.activitySpread, 0, 5);
  checkRange("tasteSpread", resolved.tasteSpread, 0, 5);
  checkRange("undeclaredShare", resolved.undeclaredShare, 0, 1);
  return resolved;
}

/** Unix seconds of the UTC midnight that starts day 0 of `start`. */
export function startSeconds(start: string): number {
  const ms = Date.parse(start);
  if (!Number.isFinite(ms)) fail("start", `is not a date: '${start}'`);
  return Math.floor(ms / 86_400_000) * 86_400;
}

/**
 * A seed for one independent random stream of a city (restaurants, users, events, …), so that
 * e.g. changing the number of days leaves the restaurants and users unchanged.
 */
export function streamSeed(seed: number, stream: number): number {
  let h = Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}

/** The random streams of a city; their numbers are part of the format (changing one changes data). */
export const STREAMS = { restaurants: 1, users: 2, events: 3, titles: 4 } as const;
