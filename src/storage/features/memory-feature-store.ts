import { randomUUID } from "node:crypto";
import { PalateError } from "../../core/errors.js";
import type { Item } from "../../core/types.js";
import {
  DEFAULT_MAX_RECENT,
  type FeatureStore,
  type ItemChanges,
  type Preferences,
  type RecentEvent,
  type UserFeatures,
  type UserVectorEntry,
} from "./feature-store.js";
import { sortedItemChanges } from "./item-changes.js";

/** Bounds of the in-memory feature store. */
export interface MemoryFeatureStoreOptions {
  /** Recent events kept per user (default 50). */
  maxRecent?: number;
  /** Users whose recent lists are kept; the least recently used list is dropped beyond it (default 10,000). */
  maxUsers?: number;
  /** Model versions whose user vectors are kept; the oldest pushed version is dropped beyond it (default 3). */
  maxVersions?: number;
}

const DEFAULTS: Required<MemoryFeatureStoreOptions> = {
  maxRecent: DEFAULT_MAX_RECENT,
  maxUsers: 10_000,
  maxVersions: 3,
};

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be an integer ≥ 1, got ${value}`);
  return value;
}

/** A copy without an `value: undefined` key, so stored events compare equal to what a Redis round trip gives. */
function copyEvent(event: RecentEvent): RecentEvent {
  const copy: RecentEvent = { itemId: event.itemId, type: event.type, timestamp: event.timestamp };
  if (event.value !== undefined) copy.value = event.value;
  return copy;
}

/**
 * The embedded feature store: everything in this process, forgotten on close or restart. Every
 * part is bounded so a long-running server cannot grow without limit: recent lists are capped
 * per user and kept for the `maxUsers` most recently used users, user vectors for the
 * `maxVersions` most recently pushed model versions. Values are copied in and out, so callers
 * can neither change stored state nor see later changes through an earlier result.
 */
export class MemoryFeatureStore implements FeatureStore {
  readonly backend = "memory";
  private readonly options: Required<MemoryFeatureStoreOptions>;
  /** Model version → user id → vector and list; Map order is push order, so the first version is the oldest. */
  private readonly vectors = new Map<
    string,
    Map<string, { vector: Float32Array; list: Uint8Array | null }>
  >();
  /** User id → newest-first events; Map order is recency of use, so the first user is evicted first. */
  private readonly recent = new Map<string, RecentEvent[]>();
  private readonly preferences = new Map<string, Preferences>();
  private readonly upserts = new Map<string, Item>();
  private readonly deletes = new Set<string>();
  private itemsTag: string | null = null;
  private closed = false;

  constructor(options: MemoryFeatureStoreOptions = {}) {
    const merged = { ...DEFAULTS, ...options };
    this.options = {
      maxRecent: positiveInteger("maxRecent", merged.maxRecent),
      maxUsers: positiveInteger("maxUsers", merged.maxUsers),
      maxVersions: positiveInteger("maxVersions", merged.maxVersions),
    };
  }

  async getUser(userId: string, modelVersion: string): Promise<UserFeatures> {
    this.checkOpen();
    const pushed = this.vectors.get(modelVersion)?.get(userId);
    const recent = this.recent.get(userId);
    if (recent) this.touch(userId, recent);
    const preferences = this.preferences.get(userId);
    return {
      vector: pushed ? pushed.vector.slice() : null,
      list: pushed?.list ? pushed.list.slice() : null,
      recent: recent ? recent.slice(0, this.options.maxRecent).map(copyEvent) : [],
      preferences: preferences ? structuredClone(preferences) : null,
    };
  }

  async putUserVectors(modelVersion: string, entries: readonly UserVectorEntry[]): Promise<void> {
    this.checkOpen();
    if (entries.length === 0) return;
    let byUser = this.vectors.get(modelVersion);
    if (!byUser) {
      byUser = new Map();
      this.vectors.set(modelVersion, byUser);
      // A new version makes room by dropping the oldest, as a Redis TTL would in time.
      for (const version of this.vectors.keys()) {
        if (this.vectors.size <= this.options.maxVersions) break;
        this.vectors.delete(version);
      }
    }
    // slice() copies the bytes, so NaN payloads and -0 survive exactly as in Redis.
    for (const { userId, vector, list } of entries)
      byUser.set(userId, { vector: vector.slice(), list: list ? list.slice() : null });
  }

  async appendRecent(entries: readonly { userId: string; event: RecentEvent }[]): Promise<void> {
    this.checkOpen();
    for (const { userId, event } of entries) {
      const list = this.recent.get(userId) ?? [];
      list.unshift(copyEvent(event));
      if (list.length > this.options.maxRecent) list.length = this.options.maxRecent;
      this.touch(userId, list);
    }
    for (const userId of this.recent.keys()) {
      if (this.recent.size <= this.options.maxUsers) break;
      this.recent.delete(userId);
    }
  }

  async putPreferences(userId: string, preferences: Preferences): Promise<void> {
    this.checkOpen();
    this.preferences.set(userId, structuredClone(preferences));
  }

  async putItem(item: Item): Promise<void> {
    this.checkOpen();
    this.upserts.set(item.itemId, structuredClone(item));
    this.deletes.delete(item.itemId);
    this.itemsTag = randomUUID();
  }

  async deleteItem(itemId: string): Promise<void> {
    this.checkOpen();
    this.upserts.delete(itemId);
    this.deletes.add(itemId);
    this.itemsTag = randomUUID();
  }

  async itemChangesTag(): Promise<string | null> {
    this.checkOpen();
    return this.itemsTag;
  }

  async itemChanges(): Promise<ItemChanges> {
    this.checkOpen();
    return sortedItemChanges(
      [...this.upserts.values()].map((item) => structuredClone(item)),
      [...this.deletes],
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.vectors.clear();
    this.recent.clear();
    this.preferences.clear();
    this.upserts.clear();
    this.deletes.clear();
  }

  /** Marks a user's recent list as just used (re-inserting moves it to the end of the Map). */
  private touch(userId: string, list: RecentEvent[]): void {
    this.recent.delete(userId);
    this.recent.set(userId, list);
  }

  private checkOpen(): void {
    // Rejecting after close matches the Redis backend, whose closed connection rejects every call.
    if (this.closed) throw new PalateError("memory feature store: used after close()");
  }
}
