import { InputError } from "../../core/errors.js";

/** Options for `EventQueue`. */
export interface EventQueueOptions {
  /** The append-only NDJSON file events go to while the sink is down or behind. */
  spillPath: string;
  /** Events held in memory; beyond it `offer` spills to disk, and refuses only if that fails. */
  capacity?: number;
  /** Events per sink append. */
  batchSize?: number;
  /** How long an event may wait in memory for a batch to fill. */
  flushIntervalMs?: number;
  /** First wait before retrying a failed sink; doubles per failure up to `retryMaxMs`. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** After a failed spill write, how long `offer` refuses before trying the disk again. */
  spillRetryMs?: number;
  /** Default time `drain` and `close` wait for the sink. */
  drainTimeoutMs?: number;
  /** Unix milliseconds now; injectable so a simulation can drive lag and backoff. */
  now?: () => number;
}

/** Options with every default filled in. */
export type ResolvedEventQueueOptions = Required<EventQueueOptions>;

/** The defaults: a 50 ms / 500-event batch keeps a SQLite or Redis append to about one per tick. */
export const EVENT_QUEUE_DEFAULTS = {
  capacity: 50_000,
  batchSize: 500,
  flushIntervalMs: 50,
  retryInitialMs: 100,
  retryMaxMs: 5_000,
  spillRetryMs: 1_000,
  drainTimeoutMs: 10_000,
} as const;

/** Numbers a Prometheus collector reads from the queue; counters are cumulative since start. */
export interface EventQueueStats {
  /** Events accepted and not yet in the sink: in memory plus unread in the spill file. */
  depth: number;
  memoryDepth: number;
  spillDepth: number;
  /** Age of the oldest event not yet in the sink (by its `receivedAt`), 0 when none. */
  lagSeconds: number;
  /** Events `offer` took. */
  accepted: number;
  /** Events the sink acknowledged, replayed ones included. */
  flushed: number;
  /** Events written to the spill file. */
  spilled: number;
  /** Events read back from the spill file into the sink (a subset of `flushed`). */
  replayed: number;
  /** Events `offer` turned away (the caller answered 503); never counted as accepted. */
  refused: number;
  /** Accepted events lost: torn spill lines after a crash, or left in memory at close. Should stay 0. */
  dropped: number;
  /** False after a failed append, until one succeeds. */
  sinkAvailable: boolean;
  /** False after a failed spill write, until one succeeds. */
  spillWritable: boolean;
  /** The latest sink or spill error, for logs; null when none happened. */
  lastError: string | null;
}

/** Fills in defaults and checks that every number is usable. */
export function resolveEventQueueOptions(options: EventQueueOptions): ResolvedEventQueueOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o: ResolvedEventQueueOptions = { ...EVENT_QUEUE_DEFAULTS, now: Date.now, ...defined } as never;
  if (typeof o.spillPath !== "string" || o.spillPath.trim() === "") {
    throw new InputError({ source: "EventQueue options", field: "spillPath" }, "must be a file path");
  }
  const positive = ["capacity", "batchSize", "flushIntervalMs", "retryInitialMs", "retryMaxMs"] as const;
  for (const field of [...positive, "spillRetryMs", "drainTimeoutMs"] as const) {
    const value = o[field];
    const min = (positive as readonly string[]).includes(field) ? 1 : 0;
    if (!Number.isSafeInteger(value) || value < min) {
      throw new InputError(
        { source: "EventQueue options", field },
        `must be an integer >= ${min}, got ${String(value)}`,
      );
    }
  }
  if (o.batchSize > o.capacity) {
    throw new InputError({ source: "EventQueue options", field: "batchSize" }, "must not exceed capacity");
  }
  return o;
}
