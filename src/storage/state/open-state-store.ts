import type { Clock } from "../../core/clock.js";
import { backendFor, type StoreUrl, sqliteTarget } from "../open-store-url.js";
import { RedisStateStore } from "./redis-state-store.js";
import { SqliteStateStore } from "./sqlite-state-store.js";
import type { StateStore } from "./state-store.js";

const KIND = "state store";

interface Backend {
  readonly forms: readonly string[];
  open(url: StoreUrl, raw: string, options: { now?: Clock }): Promise<StateStore>;
}

const BACKENDS: Readonly<Record<string, Backend>> = {
  sqlite: {
    forms: ["sqlite:PATH", "sqlite::memory:"],
    async open(url, _raw, options) {
      const target = sqliteTarget(url, KIND);
      return new SqliteStateStore(target.memory ? ":memory:" : target.path, options);
    },
  },
  redis: { forms: ["redis://HOST:PORT[/DB]"], open: (_url, raw) => RedisStateStore.open(raw) },
  rediss: { forms: ["rediss://HOST:PORT[/DB]"], open: (_url, raw) => RedisStateStore.open(raw) },
};

/** Opens the state store a URL names: `sqlite:PATH`, `sqlite::memory:` or `redis://…` (shared by replicas). */
export async function openStateStore(url: string, options: { now?: Clock } = {}): Promise<StateStore> {
  const { parsed, backend } = backendFor(url, KIND, BACKENDS);
  return backend.open(parsed, url, options);
}
