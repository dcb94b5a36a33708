import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { TokenBucket } from "../core/token-bucket.js";

/** Per-client limits on event ingestion (`eventRateLimit` in the serving configuration). */
export const EventRateLimitSchema = z
  .object({
    /** Events per second one client may sustain. */
    eventsPerSecond: z.number().positive().max(1_000_000),
    /** Events a client may send at once after being idle: the bucket's size. */
    burst: z.number().int().min(1).max(10_000_000),
    /** Who a client is: its IP address, or its API key (clients without a key count by IP). */
    by: z.enum(["ip", "api-key"]).default("ip"),
    /** The header carrying the API key when `by` is `api-key`. */
    apiKeyHeader: z
      .string()
      .regex(/^[a-z0-9-]+$/, "must be a lower-case header name")
      .default("x-api-key"),
    /** Clients remembered at once; beyond it the least recently seen is forgotten (a full bucket). */
    maxClients: z.number().int().min(1).max(10_000_000).default(100_000),
  })
  .strict();
export type EventRateLimit = z.infer<typeof EventRateLimitSchema>;

/** The verdict on one request: allowed, or refused with how long until it would pass. */
export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Token buckets, one per client: each holds up to `burst` tokens, refills at `eventsPerSecond`,
 * and an event costs one token. A batch larger than the bucket costs the whole (full) bucket, so
 * a client with a small burst can still send the largest batch the route accepts, just rarely.
 * Buckets are kept in least-recently-used order and capped at `maxClients`, so a flood of new
 * addresses costs bounded memory. The clock is injected so tests drive time by hand.
 */
export class EventRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    readonly config: EventRateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** The client a request belongs to: `ip:ADDRESS` or `key:HASH` (API keys are never kept). */
  clientOf(request: Pick<FastifyRequest, "ip" | "headers">): string {
    if (this.config.by === "api-key") {
      const key = request.headers[this.config.apiKeyHeader];
      const text = Array.isArray(key) ? key[0] : key;
      if (text) return `key:${createHash("sha256").update(text).digest("base64url").slice(0, 22)}`;
    }
    return `ip:${request.ip}`;
  }

  /** Takes `events` tokens from the client's bucket, or says how long until they are there. */
  take(client: string, events: number): RateVerdict {
    const { eventsPerSecond, burst, maxClients } = this.config;
    const now = this.now();
    const bucket = this.buckets.get(client) ?? new TokenBucket(eventsPerSecond, burst, now);
    // Re-inserting moves the client to the most recently used end of the map.
    this.buckets.delete(client);
    this.buckets.set(client, bucket);
    if (this.buckets.size > maxClients) this.buckets.delete(this.buckets.keys().next().value as string);
    const cost = Math.min(Math.max(1, events), burst);
    if (bucket.take(now, cost)) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(bucket.secondsUntil(now, cost))) };
  }

  /** Clients currently remembered (for tests of the memory bound). */
  get clients(): number {
    return this.buckets.size;
  }
}
