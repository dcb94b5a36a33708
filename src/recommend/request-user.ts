import type { User } from "../core/types.js";
import { periodAt } from "../data/city/meal-time.js";
import { declaredHome } from "../models/popularity/context-events.js";
import type { Preferences } from "../storage/features/feature-store.js";
import type { RecommendRequest } from "./recommend-types.js";

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
