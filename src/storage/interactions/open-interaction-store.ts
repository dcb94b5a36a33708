import { backendFor, type StoreUrl, sqliteTarget } from "../open-store-url.js";
import type { InteractionStore } from "./interaction-store.js";
import { SqliteInteractionStore } from "./sqlite-interaction-store.js";

const KIND = "interaction store";

interface Backend {
  /** The URL forms this backend accepts, as shown in errors. */
  readonly forms: readonly string[];
  open(url: StoreUrl): Promise<InteractionStore>;
}

// A new backend (Postgres, Redis) is one more entry here plus its file and a contract test run.
const BACKENDS: Readonly<Record<string, Backend>> = {
  sqlite: {
    forms: ["sqlite:PATH", "sqlite::memory:"],
    async open(url) {
      const target = sqliteTarget(url, KIND);
      return new SqliteInteractionStore(target.memory ? ":memory:" : target.path);
    },
  },
};

/**
 * Opens the interaction store a URL names: `sqlite:PATH` (relative to the working directory or
 * absolute; the file and its directory are created if missing) or `sqlite::memory:`.
 */
export async function openInteractionStore(url: string): Promise<InteractionStore> {
  const { parsed, backend } = backendFor(url, KIND, BACKENDS);
  return backend.open(parsed);
}
