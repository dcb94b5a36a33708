import type { User } from "../core/types.js";
import { periodAt } from "../data/city/meal-time.js";
import { declaredHome } from "../models/popularity/context-events.js";
import type { Preferences, UserFeatures } from "../storage/features/feature-store.js";
import type { RecommendRequest, Source } from "./recommend-types.js";
import type { ServingModel } from "./serving-model.js";

/**
 * What a request knows of its user, as the recommendation path reads it (RecommendService):
 * declared preferences as user attributes, where the user lives, what the user has seen, and the
 * key of the user's cached results.
 */

/** The declared preferences as the user attributes the content part reads. */
export function preferencesAsUser(userId: string, prefs: Preferences): User {
  const attributes: User["attributes"] = {};
  if (prefs.cuisines && prefs.cuisines.length > 0) attributes.cuisines = prefs.cuisines.join("|");
  const prices = [prefs.price_min, prefs.price_max].filter((p): p is number => p !== undefined);
  if (prices.length > 0) attributes.price_preference = prices.reduce((a, b) => a + b, 0) / prices.length;
  if (prefs.home_lat !== undefined && prefs.home_lon !== undefined) {
    attributes.home_lat = prefs.home_lat;
    attributes.home_lon = prefs.home_lon;
  }
  return { userId, attributes };
}

/** Where a user lives: declared preferences first, else the training metadata; null if unknown. */
export function homeOf(
  trained: User | undefined,
  prefs: Preferences | null,
): { lat: number; lon: number } | null {
  if (prefs?.home_lat !== undefined && prefs.home_lon !== undefined)
    return { lat: prefs.home_lat, lon: prefs.home_lon };
  return declaredHome(trained?.attributes);
}

/** The items a user interacted with: in training and since (their recent events). */
export function seenItems(trained: Int32Array, recent: readonly { item: number }[]): Set<number> {
  const seen = new Set<number>(trained);
  for (const event of recent) seen.add(event.item);
  return seen;
}

/** The per-user cache key: the request, the model, and the user's event state so new events miss. */
export function resultKey(
  request: RecommendRequest,
  version: string,
  recent: readonly { timestamp: number }[],
  state: string,
): string {
  const near = request.near ? `${request.near.lat},${request.near.lon},${request.near.radiusKm}` : "-";
  const period = request.at === undefined ? "-" : periodAt(request.at);
  const stamp = `${recent.length}:${recent[0]?.timestamp ?? 0}`;
  return [
    request.userId,
    request.k,
    near,
    period,
    request.exclude.join(","),
    request.diversity,
    version,
    stamp,
    state,
  ].join("|");
}

/** What a request knows of its user when the query is chosen. */
export interface RequestUser {
  request: RecommendRequest;
  /** The user's row in the model, or -1 for a user the model was not trained on. */
  userIndex: number;
  /** Recent events as weighted model items (empty: none, or none the model knows). */
  weighted: readonly { item: number; weight: number }[];
  /** The feature store's answer, or null when it could not answer. */
  stored: UserFeatures | null;
  /** The pushed vector when it has the model's dimensions, else null. */
  storedVector: Float32Array | null;
  /** Asked before a fallback index search: false sheds it to popularity. */
  mayFallbackSearch: () => boolean;
}

/** The query a request is answered with, and where it came from (null: popularity answers). */
export interface UserQuery {
  source: Source;
  q: Float32Array | null;
  /** A fallback search over its budget: popularity answered a user who had a personal query. */
  shed: boolean;
}

/**
 * The user's query, best source first: recent events folded in (from the store, or cached here
 * when the store failed), the pushed vector (`storedVector`: the stored one when it has the
 * model's dimensions), the trained vector, declared preferences, else none.
 * Without the store's answer a personal query means an index search, taken only when
 * `mayFallbackSearch()` allows it (the service's budget).
 */
export function userQuery(model: ServingModel, user: RequestUser): UserQuery {
  const { request, userIndex, weighted, stored, storedVector, mayFallbackSearch } = user;
  const folded = weighted.length > 0 || (!stored && userIndex >= 0);
  const shed = folded && !stored && !mayFallbackSearch();
  if (folded && !shed)
    return { source: stored ? "fold-in" : "cached-events", q: model.queryFor(userIndex, weighted), shed };
  if (storedVector) return { source: "stored-vector", q: storedVector, shed };
  if (userIndex >= 0 && stored) return { source: "model", q: model.queryFor(userIndex, []), shed };
  if (stored?.preferences) {
    const asUser = preferencesAsUser(request.userId, stored.preferences);
    return { source: "preferences", q: model.queryFor(-1, [], asUser), shed };
  }
  const source = request.near || request.at !== undefined ? "context-popularity" : "global-popularity";
  return { source, q: null, shed };
}
