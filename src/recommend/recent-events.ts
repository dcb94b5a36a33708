import { DEFAULT_EVENT_WEIGHTS, eventWeight } from "../core/event-weights.js";
import type { RecentEvent } from "../storage/features/feature-store.js";
import type { ItemCatalog } from "./item-catalog.js";
import { TtlLruCache } from "./ttl-lru-cache.js";

/** Recent events kept per user in this process. */
const PER_USER = 50;

/**
 * The events this replica accepted lately, per user: merged with the feature store's list (an
 * event posted a moment ago may not have reached the store yet) and the source of the
 * "cached-events" fallback when the store is down.
 */
export class LocalRecentEvents {
  private readonly cache: TtlLruCache<RecentEvent[]>;

  constructor(options: { maxUsers: number; ttlMs: number }) {
    this.cache = new TtlLruCache({ maxEntries: options.maxUsers, ttlMs: options.ttlMs });
  }

  record(userId: string, event: RecentEvent): void {
    const list = this.cache.get(userId) ?? [];
    list.unshift(event);
    if (list.length > PER_USER) list.length = PER_USER;
    this.cache.set(userId, list);
  }

  get(userId: string): RecentEvent[] {
    return this.cache.get(userId) ?? [];
  }
}

/** The union of two recent lists without duplicates (same item, type and time), newest first. */
export function mergeRecent(a: readonly RecentEvent[], b: readonly RecentEvent[]): RecentEvent[] {
  if (a.length === 0 && b.length === 0) return []; // most requests: nothing since training
  const seen = new Set<string>();
  const out: RecentEvent[] = [];
  for (const event of [...a, ...b]) {
    const key = `${event.itemId}\u0000${event.type}\u0000${event.timestamp}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(event);
  }
  return out.sort((x, y) => y.timestamp - x.timestamp);
}

/**
 * The largest confidence weight one recent event folds in with. The API accepts any finite value,
 * but a value like 1e308 overflows the fold-in's float32 arithmetic (NaN) and a negative one makes
 * its system indefinite: either made every later recommendation for that user a 500.
 */
const MAX_RECENT_WEIGHT = 1e6;

/**
 * Recent events as catalogue indices with their confidence weights (unknown items skipped),
 * clamped to [0, MAX_RECENT_WEIGHT] (a negative value counts like a 0: still an interaction).
 */
export function weightedRecent(
  catalog: ItemCatalog,
  recent: readonly RecentEvent[],
): { item: number; weight: number }[] {
  const out: { item: number; weight: number }[] = [];
  for (const event of recent) {
    const item = catalog.ids.indexOf(event.itemId);
    if (item < 0) continue;
    const weight = eventWeight(DEFAULT_EVENT_WEIGHTS, event.type, event.value);
    out.push({ item, weight: Number.isNaN(weight) ? 0 : Math.min(Math.max(weight, 0), MAX_RECENT_WEIGHT) });
  }
  return out;
}
