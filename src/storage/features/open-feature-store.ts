import { InputError } from "../../core/errors.js";
import { backendFor, type StoreUrl } from "../open-store-url.js";
import type { FeatureStore } from "./feature-store.js";
import { MemoryFeatureStore, type MemoryFeatureStoreOptions } from "./memory-feature-store.js";
import { RedisFeatureStore, type RedisFeatureStoreOptions } from "./redis-feature-store.js";

const KIND = "feature store";

/** Options of every backend; each backend reads the ones it knows. */
export interface OpenFeatureStoreOptions {
  memory?: MemoryFeatureStoreOptions;
  redis?: RedisFeatureStoreOptions;
}

interface Backend {
  /** The URL forms this backend accepts, as shown in errors. */
  readonly forms: readonly string[];
  open(url: StoreUrl, raw: string, options: OpenFeatureStoreOptions): Promise<FeatureStore>;
}

async function openRedis(
  url: StoreUrl,
  raw: string,
  options: OpenFeatureStoreOptions,
): Promise<FeatureStore> {
  // Checked here so a typo is an input error naming the URL, not a DNS failure deep in the client.
  if (!url.rest.startsWith("//") || url.rest.length <= 2 || !URL.canParse(raw)) {
    throw new InputError(
      { source: `${KIND} URL '${url.display}'` },
      `expected ${url.scheme}://[USER:PASSWORD@]HOST[:PORT][/DB]`,
    );
  }
  return RedisFeatureStore.open(raw, options.redis);
}

const BACKENDS: Readonly<Record<string, Backend>> = {
  memory: {
    forms: ["memory:"],
    async open(url, _raw, options) {
      if (url.rest !== "") {
        throw new InputError({ source: `${KIND} URL '${url.display}'` }, "expected nothing after 'memory:'");
      }
      return new MemoryFeatureStore(options.memory);
    },
  },
  redis: { forms: ["redis://HOST[:PORT][/DB]"], open: openRedis },
  rediss: { forms: ["rediss://HOST[:PORT][/DB] (TLS)"], open: openRedis },
};

/**
 * Opens the feature store a URL names: `memory:` (this process only) or `redis://…` /
 * `rediss://…` (shared by replicas; by default opening fails when Redis cannot be reached).
 */
export async function openFeatureStore(
  url: string,
  options: OpenFeatureStoreOptions = {},
): Promise<FeatureStore> {
  const { parsed, backend } = backendFor(url, KIND, BACKENDS);
  return backend.open(parsed, url, options);
}
