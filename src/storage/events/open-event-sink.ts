import { backendFor, type StoreUrl, sqliteTarget } from "../open-store-url.js";
import type { EventSink } from "./event-log.js";
import { RedisEventSink, type RedisEventSinkOptions } from "./redis-event-sink.js";
import { SqliteEventSink, type SqliteEventSinkOptions } from "./sqlite-event-sink.js";

const KIND = "event log";

/** Backend options for `openEventSink`; each applies only when the URL picks that backend. */
export interface OpenEventSinkOptions {
  sqlite?: SqliteEventSinkOptions;
  redis?: RedisEventSinkOptions;
  /**
   * Whether opening a Redis log waits for the first connection and fails when there is none
   * (default true: a wrong URL surfaces at startup, not as a growing spill file).
   */
  waitForConnection?: boolean;
}

interface Backend {
  /** The URL forms this backend accepts, as shown in errors. */
  readonly forms: readonly string[];
  open(url: StoreUrl, raw: string, options: OpenEventSinkOptions): Promise<EventSink>;
}

async function openRedis(raw: string, options: OpenEventSinkOptions): Promise<EventSink> {
  const sink = new RedisEventSink(raw, options.redis);
  if (options.waitForConnection === false) return sink;
  try {
    await sink.ready();
  } catch (error) {
    await sink.close();
    throw error;
  }
  return sink;
}

const BACKENDS: Readonly<Record<string, Backend>> = {
  sqlite: {
    forms: ["sqlite:PATH", "sqlite::memory:"],
    async open(url, _raw, options) {
      const target = sqliteTarget(url, KIND);
      return new SqliteEventSink(target.memory ? ":memory:" : target.path, options.sqlite);
    },
  },
  redis: { forms: ["redis://HOST:PORT[/DB]"], open: (_url, raw, options) => openRedis(raw, options) },
  rediss: { forms: ["rediss://HOST:PORT[/DB]"], open: (_url, raw, options) => openRedis(raw, options) },
};

/**
 * Opens the event log a URL names: `sqlite:PATH` (relative to the working directory or absolute;
 * created if missing), `sqlite::memory:`, or `redis://…` / `rediss://…` (a Redis Stream).
 */
export async function openEventSink(url: string, options: OpenEventSinkOptions = {}): Promise<EventSink> {
  const { parsed, backend } = backendFor(url, KIND, BACKENDS);
  return backend.open(parsed, url, options);
}
