import { z } from "zod";
import type { Item } from "../../core/types.js";

/** A user's declared preferences, used for cold-start users (PUT /v1/users/{id}/preferences). */
export const PreferencesSchema = z
  .object({
    cuisines: z.array(z.string().min(1).max(64)).max(50).optional(),
    /** Price levels the user accepts, inclusive. */
    price_min: z.number().finite().min(0).optional(),
    price_max: z.number().finite().min(0).optional(),
    home_lat: z.number().min(-90).max(90).optional(),
    home_lon: z.number().min(-180).max(180).optional(),
  })
  .strict();
export type Preferences = z.infer<typeof PreferencesSchema>;

/** One of a user's recent interactions, kept to fold the user in between trainings. */
export interface RecentEvent {
  itemId: string;
  type: string;
  /** Unix seconds. */
  timestamp: number;
  value?: number;
}

/** How many recent events a backend keeps per user unless configured otherwise. */
export const DEFAULT_MAX_RECENT = 50;

/** A pushed user of a model version: the query vector and, optionally, its candidate list. */
export interface UserVectorEntry {
  userId: string;
  vector: Float32Array;
  /** The user's precomputed candidates, opaque bytes (encoding: recommend/precomputed-lists.ts). */
  list?: Uint8Array;
}

/** Everything the recommendation path needs about one user, fetched in one round trip. */
export interface UserFeatures {
  /** The user's precomputed query vector for `modelVersion`, or null when none is stored. */
  vector: Float32Array | null;
  /** The candidate list pushed with the vector for `modelVersion`, or null when none is stored. */
  list: Uint8Array | null;
  /** Most recent first, at most the store's cap. */
  recent: RecentEvent[];
  preferences: Preferences | null;
}

/** Item metadata changes made through the API since the model was trained. */
export interface ItemChanges {
  upserts: Item[];
  deletes: string[];
}

/**
 * The feature store: user vectors, recent interactions and item metadata for serving
 * (blueprint: "Stores"). Backends: `memory:` (embedded) and `redis://…` (shared by replicas).
 * Every method may reject when the backend is unreachable; callers degrade, they do not retry.
 */
export interface FeatureStore {
  /** A short label for logs and metrics, e.g. "memory" or "redis". */
  readonly backend: string;
  getUser(userId: string, modelVersion: string): Promise<UserFeatures>;
  /** Stores precomputed user vectors (and candidate lists) of a model version (batched by the caller). */
  putUserVectors(modelVersion: string, entries: readonly UserVectorEntry[]): Promise<void>;
  /**
   * Prepends events to each user's recent list (capped, expiring), in entry order: a user's last
   * entry ends up first, so "most recent" means most recently appended.
   */
  appendRecent(entries: readonly { userId: string; event: RecentEvent }[]): Promise<void>;
  putPreferences(userId: string, preferences: Preferences): Promise<void>;
  /** Adds or replaces an item's metadata; clears an earlier delete of the same id. */
  putItem(item: Item): Promise<void>;
  /** Marks an item deleted (a tombstone every replica sees). */
  deleteItem(itemId: string): Promise<void>;
  /** All item upserts and deletes made through the store, each sorted by item id. */
  itemChanges(): Promise<ItemChanges>;
  /**
   * An opaque tag that changes with every `putItem` and `deleteItem` (null before the first, or
   * after the backend lost its data). Pollers read it first and fetch `itemChanges` only when it
   * differs from the tag they last applied: a replica's poll then costs one small read.
   */
  itemChangesTag(): Promise<string | null>;
  close(): Promise<void>;
}
