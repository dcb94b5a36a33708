import { z } from "zod";
import { ExternalIdSchema } from "../../core/types.js";

/** An event as posted to POST /v1/events (snake_case, as on the wire). */
export const EventInputSchema = z
  .object({
    type: z.string().min(1).max(64),
    user_id: ExternalIdSchema,
    item_id: ExternalIdSchema,
    /** ISO 8601 time or unix seconds; the server's clock when absent. */
    timestamp: z.union([z.string().max(64), z.number().finite()]).optional(),
    value: z.number().finite().optional(),
    recommendation_id: z.string().min(1).max(128).optional(),
    session_id: z.string().min(1).max(128).optional(),
  })
  .strict();
export type EventInput = z.infer<typeof EventInputSchema>;

/** An accepted event: validated, stamped with a unique id, ready for the sink. */
export interface LoggedEvent {
  /** Unique per accepted event; sinks deduplicate on it so replays never double count. */
  eventId: string;
  type: string;
  userId: string;
  itemId: string;
  /** Unix seconds. */
  timestamp: number;
  value?: number;
  recommendationId?: string;
  sessionId?: string;
  /** Unix milliseconds when the server accepted it. */
  receivedAt: number;
  /** The experiment variant that served the recommendation (impressions carry it). */
  variant?: string;
  /** The model version that served the recommendation (impressions carry it). */
  modelVersion?: string;
  /** The items shown, in order (impressions: one event per recommendation list). */
  items?: string[];
}

/** A page of events read from a sink, with the cursor to continue from. */
export interface EventPage {
  events: LoggedEvent[];
  /** Opaque position after the last event returned; pass it back to continue. */
  cursor: string;
}

/**
 * Where accepted events end up (blueprint: "event log"). Backends: SQLite (embedded) and a Redis
 * Stream. `append` is idempotent by `eventId`: appending the same event twice stores it once.
 */
export interface EventSink {
  readonly backend: string;
  append(events: readonly LoggedEvent[]): Promise<void>;
  /** Events in append order after `cursor` ("" = from the start), at most `limit`. */
  read(cursor: string, limit: number): Promise<EventPage>;
  /** Number of distinct events stored. */
  count(): Promise<number>;
  /**
   * Drops the events every reader has consumed: up to and including the oldest of the readers'
   * cursors (a reader at "" has read nothing, so nothing is dropped). Deduplication survives (a
   * replay of a dropped event still stores nothing). Resolves to how many were dropped. Offered
   * by the sink that many replicas share and that otherwise grows without bound (Redis).
   */
  trimThrough?(readers: readonly string[]): Promise<number>;
  close(): Promise<void>;
}
