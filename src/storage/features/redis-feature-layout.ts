import { PalateError } from "../../core/errors.js";
import { type Item, ItemSchema } from "../../core/types.js";
import { type Preferences, PreferencesSchema, type RecentEvent } from "./feature-store.js";

/**
 * The key names of the Redis feature store, all under one prefix (default `palate:`). A user's
 * keys end in the user id as a hash tag (`{alice}`), so one script reads them all, on a Redis
 * Cluster too (a `}` in an id cuts the tag short, the same way for every key of that user):
 *
 * - `uv:{modelVersion}:{{userId}}` — a user vector: raw little-endian float32 bytes (string, TTL);
 * - `ul:{modelVersion}:{{userId}}` — the user's precomputed candidate list, pushed with the
 *   vector (string of 14-byte entries, same TTL; see recommend/precomputed-lists.ts);
 * - `recent-events:{{userId}}` — recent events, newest first: one JSON object per line, each line
 *   ending in `\n` (string, TTL). A string rather than a list so that one `MGET` reads all of a
 *   user's keys (README "Feature store"); the older `recent:{{userId}}` lists are not read;
 * - `prefs:{{userId}}` — declared preferences as JSON (string);
 * - `items` — item upserts, item id → item JSON (hash, no TTL: source data);
 * - `items:deleted` — deleted item ids (set, no TTL).
 */
export class RedisFeatureKeys {
  readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  /** The key of a user vector; the version is escaped so a ':' or '{' in it cannot alias another key. */
  userVector(modelVersion: string, userId: string): string {
    return `${this.prefix}uv:${encodeURIComponent(modelVersion)}:{${userId}}`;
  }

  /** The key of a user's precomputed candidate list, escaped as `userVector`. */
  userList(modelVersion: string, userId: string): string {
    return `${this.prefix}ul:${encodeURIComponent(modelVersion)}:{${userId}}`;
  }

  recent(userId: string): string {
    return `${this.prefix}recent-events:{${userId}}`;
  }

  preferences(userId: string): string {
    return `${this.prefix}prefs:{${userId}}`;
  }

  get items(): string {
    return `${this.prefix}items`;
  }

  get deletedItems(): string {
    return `${this.prefix}items:deleted`;
  }

  /** A fresh random value on every item change (see `FeatureStore.itemChangesTag`). */
  get itemsTag(): string {
    return `${this.prefix}items:tag`;
  }
}

/** The bytes of a vector, without a copy (every supported platform is little-endian, as in artifacts). */
export function encodeVector(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** A vector from its stored bytes, copied into a fresh (aligned) buffer. */
export function decodeVector(bytes: Buffer, key: string): Float32Array {
  if (bytes.byteLength % 4 !== 0) {
    throw new PalateError(`feature store: ${key} holds ${bytes.byteLength} bytes, not a float32 vector`);
  }
  const vector = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(vector.buffer).set(bytes);
  return vector;
}

/**
 * One recent event as a line of the user's recent-events string, with its `\n` (JSON text never
 * holds a raw newline: one inside an id is escaped); `value` is left out when absent, as in the
 * memory store.
 */
export function encodeRecent(event: RecentEvent): string {
  const stored: RecentEvent = { itemId: event.itemId, type: event.type, timestamp: event.timestamp };
  if (event.value !== undefined) stored.value = event.value;
  return `${JSON.stringify(stored)}\n`;
}

/** The events of a recent-events string, newest first, at most `max`; lines that are not events are skipped. */
export function decodeRecentLines(bytes: Buffer | null, max: number): RecentEvent[] {
  const events: RecentEvent[] = [];
  if (bytes === null) return events;
  const lines = bytes.toString().split("\n");
  for (let i = 0; i < lines.length && events.length < max; i++) {
    const event = lines[i] === "" ? null : decodeRecent(lines[i]);
    if (event) events.push(event);
  }
  return events;
}

/**
 * Parses stored JSON, or undefined when it is not JSON. Corrupt entries are skipped by the
 * callers rather than failing the whole read: one bad element must not hide a user's other data.
 */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A recent event from one line, or null when the line is not one. */
export function decodeRecent(text: string): RecentEvent | null {
  const value = parseJson(text) as Partial<RecentEvent> | undefined;
  if (
    typeof value !== "object" ||
    value === null ||
    typeof value.itemId !== "string" ||
    typeof value.type !== "string" ||
    typeof value.timestamp !== "number"
  ) {
    return null;
  }
  const event: RecentEvent = { itemId: value.itemId, type: value.type, timestamp: value.timestamp };
  if (typeof value.value === "number") event.value = value.value;
  return event;
}

/** Preferences from their JSON, or null when absent or no longer valid under the current schema. */
export function decodePreferences(text: string | null): Preferences | null {
  if (text === null) return null;
  const parsed = PreferencesSchema.safeParse(parseJson(text));
  return parsed.success ? parsed.data : null;
}

/** An item from its JSON, or null when it is not a valid item. */
export function decodeItem(text: string): Item | null {
  const parsed = ItemSchema.safeParse(parseJson(text));
  return parsed.success ? parsed.data : null;
}
