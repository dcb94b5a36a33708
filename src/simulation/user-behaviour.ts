import {
  CITY_SIZE_KM,
  EXTRA_VIEWS_MEAN,
  MAX_VIEWS_PER_SESSION,
  SECONDS_BETWEEN_VIEWS,
  SECONDS_TO_BOOK,
  SECONDS_TO_CLICK,
} from "../data/city/constants.js";
import { latOf, lonOf, xOf, yOf } from "../data/city/geo.js";
import { bookingProbabilityOf, clickProbabilityOf, utilityAt } from "../data/city/ground-truth.js";
import { periodAt } from "../data/city/meal-time.js";
import { type CityWorld, isOpen } from "../data/city/world.js";
import type { Random } from "../math/random.js";

/**
 * How a simulated user reacts to a recommendation list, decided from the city's ground truth with
 * the generator's own behaviour model (`data/city/sessions.ts`): a card the user looks at is a
 * view, clicked with σ(U − click threshold), a click booked with σ(U − booking threshold), a
 * booking ends the session, and the number of views per session has the generator's distribution.
 * What a list adds is position bias and impatience, so a list that matches the user's true taste
 * at the top earns more clicks and bookings than one that does not.
 */

/** Chance the user looks at the card at each rank (position bias); ranks past the end use the last. */
export const POSITION_EXAMINE: readonly number[] = [1, 0.85, 0.72, 0.6, 0.5, 0.42, 0.35, 0.3, 0.25, 0.2];

/**
 * Chance the user gives up after looking at a card they did not click: someone who likes nothing
 * they are shown leaves early instead of scrolling to the bottom.
 */
export const LEAVE_AFTER_SKIP = 0.15;

/** Spread (km, per axis) of where a user opens the app around their home. */
export const LOCATION_SPREAD_KM = 0.4;

/**
 * How far the user lets the app search, in units of their own distance scale: a place that far
 * costs this many units of utility, which almost nobody clicks, so the radius hides little they
 * would want while keeping a sparse city's lists from running empty (the server's default 5 km
 * would leave most suburban users nothing open).
 */
export const SEARCH_RADIUS_SCALES = 4;

/** Where a user asks for recommendations. */
export interface SessionPlace {
  /** Plane point (km) the user stands at, consistent with `lat`/`lon` as sent. */
  x: number;
  y: number;
  /** Rounded to 5 decimals (≈ 1 m), as sent in the query string. */
  lat: number;
  lon: number;
  /** The search radius sent with the request (km, 2 decimals). */
  radiusKm: number;
}

function round5(value: number): number {
  return Math.round(value * 1e5) / 1e5;
}

/** A place near user `u`'s home (a normal jitter, kept inside the city). */
export function placeNearHome(world: CityWorld, u: number, rng: Random): SessionPlace {
  const jitter = (home: number) =>
    Math.min(CITY_SIZE_KM, Math.max(0, home + LOCATION_SPREAD_KM * rng.normal()));
  const lat = round5(latOf(jitter(world.users.y[u])));
  const lon = round5(lonOf(jitter(world.users.x[u])));
  // Ground truth is judged at the point the server is told about, not the unrounded one.
  const radiusKm = Math.round(SEARCH_RADIUS_SCALES * world.users.distanceScale[u] * 100) / 100;
  return { x: xOf(lon), y: yOf(lat), lat, lon, radiusKm };
}

/** The ground-truth utility of restaurant `r` for user `u` at a place and time; −∞ when closed or unknown. */
export function utilityThere(
  world: CityWorld,
  u: number,
  r: number,
  place: SessionPlace,
  time: number,
): number {
  if (r < 0 || r >= world.restaurants.count || !isOpen(world, r, periodAt(time))) {
    return Number.NEGATIVE_INFINITY;
  }
  return utilityAt(world, u, r, place.x, place.y);
}

/** One thing the user did with a card of the list. */
export interface Reaction {
  type: "view" | "click" | "booking";
  /** Rank of the card in the list, 0-based. */
  rank: number;
  /** Seconds after the list was served (simulated time). */
  offsetSeconds: number;
}

/** Everything a user did with one list. */
export interface ListReaction {
  reactions: Reaction[];
  /** Ground-truth utility of every card (−∞ when closed or not a city restaurant), in list order. */
  utilities: number[];
  views: number;
  clicks: number;
  bookings: number;
  /** The user left after skipping cards, with views still to spare and nothing booked. */
  leftEarly: boolean;
}

/**
 * Draws the user's reaction to a list of restaurant indices (−1 for items that are not city
 * restaurants): top-down, looking at each card with its rank's probability, until the session's
 * views run out, a booking ends it, or impatience does.
 */
export function reactToList(
  world: CityWorld,
  u: number,
  restaurants: readonly number[],
  place: SessionPlace,
  timeSeconds: number,
  rng: Random,
): ListReaction {
  const utilities = restaurants.map((r) => utilityThere(world, u, r, place, timeSeconds));
  // The generator's session length: 1 plus a geometric number of extra views, capped.
  const q = EXTRA_VIEWS_MEAN / (1 + EXTRA_VIEWS_MEAN);
  const budget = Math.min(MAX_VIEWS_PER_SESSION, 1 + Math.floor(Math.log(1 - rng.next()) / Math.log(q)));
  const out: ListReaction = { reactions: [], utilities, views: 0, clicks: 0, bookings: 0, leftEarly: false };
  // The first card is seen as the list arrives; later ones after the generator's gaps between views.
  let t = 1;
  for (let rank = 0; rank < restaurants.length && out.views < budget; rank++) {
    const examine = POSITION_EXAMINE[Math.min(rank, POSITION_EXAMINE.length - 1)];
    if (rng.next() >= examine) continue;
    out.views++;
    out.reactions.push({ type: "view", rank, offsetSeconds: t });
    const utility = utilities[rank];
    if (rng.next() < clickProbabilityOf(utility)) {
      out.clicks++;
      const clickAt = t + 1 + Math.floor(rng.exponential(1 / SECONDS_TO_CLICK));
      out.reactions.push({ type: "click", rank, offsetSeconds: clickAt });
      if (rng.next() < bookingProbabilityOf(utility)) {
        out.bookings++;
        const bookAt = clickAt + 1 + Math.floor(rng.exponential(1 / SECONDS_TO_BOOK));
        out.reactions.push({ type: "booking", rank, offsetSeconds: bookAt });
        return out;
      }
      t = clickAt;
    } else if (rng.next() < LEAVE_AFTER_SKIP) {
      out.leftEarly = out.views < budget;
      return out;
    }
    t += 1 + Math.floor(rng.exponential(1 / SECONDS_BETWEEN_VIEWS));
  }
  return out;
}
