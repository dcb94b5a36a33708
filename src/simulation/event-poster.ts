import type { Clock } from "../core/clock.js";
import type { ApiCall } from "./api-client.js";

/** The body of one event as POST /v1/events takes it. */
export interface EventBody {
  type: "view" | "click" | "booking";
  user_id: string;
  item_id: string;
  /** ISO 8601, simulated time. */
  timestamp: string;
  recommendation_id: string;
  session_id: string;
}

/** An event and the simulated time it happens at. */
export interface TimedEvent {
  dueMs: number;
  body: EventBody;
}

/** Options of an EventPoster. */
export interface EventPosterOptions {
  /** Events per POST (the API takes up to 1,000). */
  maxBatch?: number;
  /** Real ms between flushes. */
  flushMs?: number;
  /** Most POSTs in flight at once. */
  maxInFlight?: number;
  /**
   * Holds each event until this clock reaches its time, so a controller reading the log never
   * sees a click from the simulated future; without a clock events go out at the next flush.
   */
  clock?: Clock;
  /** Attempts per batch when the server says 503 or the connection fails. */
  attempts?: number;
  /** Told about each batch that could not be delivered. */
  onError?: (message: string) => void;
}

/** What an EventPoster delivered. */
export interface PosterStats {
  /** Events the server accepted (202). */
  accepted: number;
  /** Events given up on (a 4xx, or 503s and network errors on every attempt). */
  failed: number;
  /** POST requests made, retries included. */
  requests: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Batches simulated users' events into POST /v1/events requests: one request per flush carries
 * the events of many sessions, with a bound on requests in flight, so posting events does not
 * cost the server more requests than the recommendations they answer.
 */
export class EventPoster {
  readonly stats: PosterStats = { accepted: 0, failed: 0, requests: 0 };
  private pending: TimedEvent[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timer: NodeJS.Timeout;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly attempts: number;

  constructor(
    private readonly api: ApiCall,
    private readonly options: EventPosterOptions = {},
  ) {
    this.maxBatch = Math.min(1000, Math.max(1, options.maxBatch ?? 500));
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 4);
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.timer = setInterval(() => this.flush(false), options.flushMs ?? 100);
    this.timer.unref();
  }

  /** Queues events for delivery. */
  add(events: readonly TimedEvent[]): void {
    for (const event of events) this.pending.push(event);
  }

  /** Events queued and not yet posted. */
  get backlog(): number {
    return this.pending.length;
  }

  /**
   * Stops the timer and delivers what is left: with `wait`, each event once the clock reaches
   * its time (a simulation that ran to its end) but for at most `maxWaitMs` of real time, since a
   * slow clock could hold the last bookings for minutes; otherwise everything at once (an abort).
   */
  async close(wait: boolean, maxWaitMs = 5000): Promise<void> {
    clearInterval(this.timer);
    const deadline = Date.now() + (wait ? maxWaitMs : 0);
    while (this.pending.length > 0 || this.inFlight.size > 0) {
      this.flush(Date.now() >= deadline);
      if (this.inFlight.size > 0) await Promise.race(this.inFlight);
      else if (this.pending.length > 0) await sleep(this.options.flushMs ?? 100);
    }
  }

  /** Starts POSTs for due events, as far as the in-flight bound allows. */
  private flush(all: boolean): void {
    if (this.pending.length === 0) return;
    const now = all || !this.options.clock ? Number.POSITIVE_INFINITY : this.options.clock();
    let due: TimedEvent[] = this.pending;
    if (now !== Number.POSITIVE_INFINITY) {
      due = [];
      const later: TimedEvent[] = [];
      for (const event of this.pending) (event.dueMs <= now ? due : later).push(event);
      this.pending = later;
    } else {
      this.pending = [];
    }
    // Time order within what goes out, so each batch reads like a log.
    due.sort((a, b) => a.dueMs - b.dueMs);
    let from = 0;
    while (from < due.length && this.inFlight.size < this.maxInFlight) {
      const batch = due.slice(from, from + this.maxBatch);
      from += batch.length;
      const sending = this.send(batch).finally(() => this.inFlight.delete(sending));
      this.inFlight.add(sending);
    }
    // What the in-flight bound held back goes first next time.
    if (from < due.length) this.pending = due.slice(from).concat(this.pending);
  }

  private async send(batch: TimedEvent[]): Promise<void> {
    const bodies = batch.map((e) => e.body);
    let problem = "";
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      this.stats.requests++;
      try {
        const response = await this.api("POST", "/v1/events", bodies);
        if (response.status === 202) {
          this.stats.accepted += batch.length;
          return;
        }
        problem = `POST /v1/events: ${response.status} ${response.body.slice(0, 200)}`;
        // Only overload is worth retrying; a 4xx would fail the same way again.
        if (response.status !== 503) break;
        const retryAfter = Number(response.headers?.["retry-after"]);
        await sleep(Number.isFinite(retryAfter) ? Math.min(5, retryAfter) * 1000 : 200 * attempt);
      } catch (error) {
        problem = `POST /v1/events: ${(error as Error).message}`;
        await sleep(200 * attempt);
      }
    }
    this.stats.failed += batch.length;
    this.options.onError?.(problem);
  }
}
