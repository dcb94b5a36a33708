import type { Clock } from "../../core/clock.js";
import { backendFor, type StoreUrl, sqliteTarget } from "../open-store-url.js";
import { RedisStateStore, type RedisStateStoreOptions } from "./redis-state-store.js";
import { SqliteStateStore } from "./sqlite-state-store.js";
import type { StateStore } from "./state-store.js";

const KIND = "state store";

/** Options for `openStateStore`; each applies only when the URL picks that backend. */
export interface OpenStateStoreOptions {
  /** The clock SQLite leases expire on (Redis leases expire on Redis's own clock). */
  now?: Clock;
  redis?: RedisStateStoreOptions;
}

interface Backend {
  /** The URL forms this backend accepts, as shown in errors. */
  readonly forms: readonly string[];
  open(url: StoreUrl, raw: string, options: OpenStateStoreOptions): Promise<StateStore>;
}

const BACKENDS: Readonly<Record<string, Backend>> = {
  sqlite: {
    forms: ["sqlite:PATH", "sqlite::memory:"],
    async open(url, _raw, options) {
      const target = sqliteTarget(url, KIND);
      return new SqliteStateStore(target.memory ? ":memory:" : target.path, { now: options.now });
    },
  },
  redis: {
    forms: ["redis://HOST:PORT[/DB]"],
    open: (_url, raw, options) => RedisStateStore.open(raw, options.redis),
  },
  rediss: {
    forms: ["rediss://HOST:PORT[/DB]"],
    open: (_url, raw, options) => RedisStateStore.open(raw, options.redis),
  },
};

/**
 * Opens the state store a URL names: `sqlite:PATH` (created if missing), `sqlite::memory:`, or
 * `redis://…` / `rediss://…` (shared by replicas and the controller; fails at once if unreachable).
 */
export async function openStateStore(url: string, options: OpenStateStoreOptions = {}): Promise<StateStore> {
  const { parsed, backend } = backendFor(url, KIND, BACKENDS);
  return backend.open(parsed, url, options);
}
