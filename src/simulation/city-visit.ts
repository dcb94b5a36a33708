import type { Clock } from "../core/clock.js";
import { AliasTable } from "../data/city/alias-table.js";
import { restaurantIndexOf, userId } from "../data/city/ids.js";
import type { CityWorld } from "../data/city/world.js";
import { Random } from "../math/random.js";
import type { ApiCall } from "./api-client.js";
import type { EventBody, TimedEvent } from "./event-poster.js";
import { type ListReaction, placeNearHome, reactToList } from "./user-behaviour.js";

export { type ApiCall, httpApi, injectApi } from "./api-client.js";

/** One session to run: who, when, with which random stream. */
export interface VisitPlan {
  /** User index in the city. */
  user: number;
  /** Simulated unix ms the list is asked for (the `at` of the request). */
  atMs: number;
  /** Seed of the session's random stream (where the user stands, what they look at and do). */
  seed: number;
  sessionId: string;
  /** List length asked for (default 10). */
  k?: number;
}

/** What one simulated session saw and did. */
export interface VisitOutcome {
  variant: string;
  modelVersion: string;
  recommendationId: string;
  /** The server's fallback, when the list came from one. */
  fallback?: string;
  /** Items in the list. */
  shown: number;
  reaction: ListReaction;
  /** The session's events, each at its simulated time, not yet posted. */
  events: TimedEvent[];
  clicks: number;
  bookings: number;
}

/** A recommendation request that did not give a usable list. */
export class VisitError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "VisitError";
  }
}

interface ListBody {
  recommendation_id: string;
  variant: string;
  model_version: string;
  fallback?: string;
  items: { item_id: string }[];
}

function parseList(text: string): ListBody {
  const body = JSON.parse(text) as Partial<ListBody>;
  if (typeof body.recommendation_id !== "string" || !Array.isArray(body.items)) {
    throw new VisitError("recommendations: the answer has no recommendation_id or items", 200);
  }
  return body as ListBody;
}

/**
 * One simulated city user visiting through the API: asks for a list near home at the simulated
 * time, reacts to it from ground truth (`user-behaviour.ts`) and returns the resulting view,
 * click and booking events, attributed to the list and the session, for the caller to post.
 * With the shared `clock`, events are timed from when the answer arrived rather than from `at`.
 */
export async function runVisit(
  api: ApiCall,
  world: CityWorld,
  plan: VisitPlan,
  clock?: Clock,
): Promise<VisitOutcome> {
  const rng = new Random(plan.seed);
  const place = placeNearHome(world, plan.user, rng);
  const user = userId(world, plan.user);
  const at = new Date(plan.atMs).toISOString();
  const query = new URLSearchParams({
    user_id: user,
    k: String(plan.k ?? 10),
    lat: String(place.lat),
    lon: String(place.lon),
    radius_km: String(place.radiusKm),
    at,
    session_id: plan.sessionId,
  });
  const response = await api("GET", `/v1/recommendations?${query}`);
  if (response.status !== 200) {
    throw new VisitError(
      `recommendations: ${response.status} ${response.body.slice(0, 200)}`,
      response.status,
    );
  }
  const list = parseList(response.body);
  const restaurants = list.items.map((item) => restaurantIndexOf(world, item.item_id));
  const reaction = reactToList(world, plan.user, restaurants, place, plan.atMs / 1000, rng);
  // The user reacts once the list is on screen: on a fast shared clock the answer can arrive
  // simulated minutes after `at`, and a click must not predate the impression the server logged.
  const seenAtMs = clock ? Math.max(plan.atMs, Math.round(clock())) : plan.atMs;
  const events = reaction.reactions.map((r): TimedEvent => {
    const dueMs = seenAtMs + r.offsetSeconds * 1000;
    const body: EventBody = {
      type: r.type,
      user_id: user,
      item_id: list.items[r.rank].item_id,
      timestamp: new Date(dueMs).toISOString(),
      recommendation_id: list.recommendation_id,
      session_id: plan.sessionId,
    };
    return { dueMs, body };
  });
  return {
    variant: list.variant,
    modelVersion: list.model_version,
    recommendationId: list.recommendation_id,
    ...(list.fallback ? { fallback: list.fallback } : {}),
    shown: list.items.length,
    reaction,
    events,
    clicks: reaction.clicks,
    bookings: reaction.bookings,
  };
}

/** Activity tables per city and user count, so one-off visits do not rebuild them each time. */
const activityTables = new WeakMap<CityWorld, Map<number, AliasTable>>();

/** A user index of the city's first `users`, drawn by activity like the generator's sessions. */
export function drawUser(world: CityWorld, rng: Random, users = world.users.count): number {
  const n = Math.max(1, Math.min(users, world.users.count));
  const tables = activityTables.get(world) ?? new Map<number, AliasTable>();
  activityTables.set(world, tables);
  const table = tables.get(n) ?? new AliasTable(world.users.activity.subarray(0, n));
  tables.set(n, table);
  return table.draw(rng);
}

/**
 * One whole session at simulated time `nowSeconds`, events posted at once (a 202 is required):
 * the building block for tests that step time themselves rather than run a `Simulator`.
 */
export async function visit(
  api: ApiCall,
  world: CityWorld,
  rng: Random,
  nowSeconds: number,
  users = world.users.count,
): Promise<VisitOutcome> {
  const user = drawUser(world, rng, users);
  const seed = rng.nextUint32();
  const outcome = await runVisit(api, world, {
    user,
    seed,
    atMs: nowSeconds * 1000,
    sessionId: `s-${user}-${seed.toString(36)}`,
  });
  if (outcome.events.length > 0) {
    const posted = await api(
      "POST",
      "/v1/events",
      outcome.events.map((e) => e.body),
    );
    if (posted.status !== 202) throw new Error(`events: ${posted.status} ${posted.body}`);
  }
  return outcome;
}
