/**
 * Every fixed number of the simulated city in one place: cuisines, meal periods, the city's
 * geometry, traffic shape and the behaviour model. Tunables a run may change live in `params.ts`.
 */

/** One cuisine: how common it is, its usual price level and how often it opens per meal period. */
export interface CuisineSpec {
  readonly name: string;
  /** Relative share of restaurants serving it; also the city's average appetite for it. */
  readonly weight: number;
  /** Mean price level (1–4) of its restaurants. */
  readonly price: number;
  /** Probability of being open at breakfast, lunch, dinner and late, in `MEAL_PERIODS` order. */
  readonly open: readonly [number, number, number, number];
}

const USUAL: CuisineSpec["open"] = [0.06, 0.82, 0.95, 0.08];
const NIGHT: CuisineSpec["open"] = [0.04, 0.8, 0.95, 0.4];

/** The city's cuisines (names appear verbatim in items.csv and users.csv). */
export const CUISINES: readonly CuisineSpec[] = [
  { name: "italian", weight: 1.0, price: 2.6, open: USUAL },
  { name: "pizza", weight: 0.9, price: 1.6, open: NIGHT },
  { name: "japanese", weight: 0.8, price: 2.9, open: USUAL },
  { name: "chinese", weight: 0.8, price: 1.9, open: USUAL },
  { name: "indian", weight: 0.7, price: 2.0, open: USUAL },
  { name: "thai", weight: 0.6, price: 2.1, open: USUAL },
  { name: "vietnamese", weight: 0.5, price: 1.7, open: USUAL },
  { name: "korean", weight: 0.45, price: 2.3, open: USUAL },
  { name: "mexican", weight: 0.6, price: 1.9, open: [0.05, 0.82, 0.95, 0.25] },
  { name: "american", weight: 0.6, price: 2.1, open: [0.2, 0.85, 0.95, 0.15] },
  { name: "burgers", weight: 0.8, price: 1.7, open: NIGHT },
  { name: "french", weight: 0.6, price: 3.3, open: [0.1, 0.8, 0.97, 0.05] },
  { name: "spanish", weight: 0.4, price: 2.6, open: [0.05, 0.75, 0.97, 0.3] },
  { name: "greek", weight: 0.4, price: 2.2, open: USUAL },
  { name: "middle-eastern", weight: 0.5, price: 1.6, open: NIGHT },
  { name: "mediterranean", weight: 0.5, price: 2.5, open: USUAL },
  { name: "seafood", weight: 0.4, price: 3.2, open: [0.02, 0.75, 0.97, 0.03] },
  { name: "steakhouse", weight: 0.35, price: 3.5, open: [0.01, 0.6, 0.99, 0.05] },
  { name: "vegan", weight: 0.4, price: 2.2, open: [0.2, 0.9, 0.85, 0.03] },
  { name: "cafe", weight: 0.9, price: 1.5, open: [0.95, 0.85, 0.15, 0.02] },
];

/** `cuisine2` of a restaurant that serves a single cuisine. */
export const NO_CUISINE = 255;

/** The meal periods, in the bit order of a restaurant's opening mask. */
export const MEAL_PERIODS = ["breakfast", "lunch", "dinner", "late"] as const;
/** A meal period name. */
export type MealPeriod = (typeof MEAL_PERIODS)[number];

/**
 * The hour (UTC, the city's clock) each meal period starts; each runs until the next one starts,
 * so every minute of the day belongs to exactly one period.
 */
export const MEAL_PERIOD_START_HOUR: readonly number[] = [5, 11, 16, 22];

/** Side of the square city, in km; (0, 0) is its south-west corner. */
export const CITY_SIZE_KM = 20;
/** The city centre's latitude and longitude (a fictional city; only the geometry matters). */
export const CITY_CENTRE = { lat: 52.37, lon: 4.9 } as const;
/**
 * Grid cells per side used by the choice sampler to bound distance (cells of 2.5 km). Keep it
 * even: the sampler's unrolled sums need a cell count divisible by 4.
 */
export const GRID_CELLS_PER_SIDE = 8;

/** Share of restaurants clustered around the centre, and the spread of that cluster (km). */
export const RESTAURANT_CENTRE_SHARE = 0.55;
export const RESTAURANT_CENTRE_SPREAD_KM = 2.5;
/** Share of users living around the centre, and the spread of that cluster (km). */
export const USER_CENTRE_SHARE = 0.3;
export const USER_CENTRE_SPREAD_KM = 4;
/**
 * Cap on a user's activity relative to the median user: the log-normal tail would otherwise make
 * a few users open the app dozens of times a day, which is bots, not diners.
 */
export const MAX_ACTIVITY = 12;
/** Probability a restaurant serves a second cuisine. */
export const SECOND_CUISINE_PROBABILITY = 0.15;

/** The first day of generated history when params give no `start` (a Monday). */
export const DEFAULT_START = "2026-01-05T00:00:00Z";

/** Session volume by day of week, Monday first (mean 1, so the daily rate is the average). */
export const DAY_OF_WEEK_FACTOR: readonly number[] = [0.85, 0.9, 0.95, 1.0, 1.2, 1.15, 0.95];

/** A bump in the time-of-day profile: its centre and spread in hours, and its share of traffic. */
export interface TrafficPeak {
  readonly hour: number;
  readonly spread: number;
  readonly weight: number;
}

/** Weekday traffic: lunch and dinner peaks; the remaining weight is spread evenly over the day. */
export const WEEKDAY_PEAKS: readonly TrafficPeak[] = [
  { hour: 8.25, spread: 0.9, weight: 0.08 },
  { hour: 12.5, spread: 0.8, weight: 0.36 },
  { hour: 19.25, spread: 1.1, weight: 0.46 },
  { hour: 23.5, spread: 1.0, weight: 0.05 },
];
/** Weekend traffic: a later brunch, later dinner and a bigger night. */
export const WEEKEND_PEAKS: readonly TrafficPeak[] = [
  { hour: 10.5, spread: 1.2, weight: 0.14 },
  { hour: 13.0, spread: 1.0, weight: 0.27 },
  { hour: 19.75, spread: 1.2, weight: 0.44 },
  { hour: 0.5, spread: 1.2, weight: 0.1 },
];

/** Event type names as written to interactions.csv, indexed by type code. */
export const EVENT_TYPES = ["view", "click", "booking"] as const;
/** An event type name. */
export type CityEventType = (typeof EVENT_TYPES)[number];
/** Type codes: indices into EVENT_TYPES. */
export const VIEW = 0;
export const CLICK = 1;
export const BOOKING = 2;

/** Views per session: 1 plus a geometric number with this mean, capped. */
export const EXTRA_VIEWS_MEAN = 4;
export const MAX_VIEWS_PER_SESSION = 12;
/** Mean seconds between views, from view to click, and from click to booking. */
export const SECONDS_BETWEEN_VIEWS = 40;
export const SECONDS_TO_CLICK = 12;
export const SECONDS_TO_BOOK = 90;

/**
 * Behaviour thresholds in utility units: P(click | view) = σ(U − CLICK_THRESHOLD) and
 * P(booking | click) = σ(U − BOOKING_THRESHOLD); tuned so about a quarter of views are clicked
 * and 30% of clicks booked (at 100k restaurants; sparser cities click less).
 */
export const CLICK_THRESHOLD = 1.8;
export const BOOKING_THRESHOLD = 3.0;

/** Proposals tried per choice before the sampler gives up on that view (almost never hit). */
export const MAX_PROPOSALS = 4096;
