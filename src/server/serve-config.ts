import { z } from "zod";
import { readConfigFile } from "../core/config-file.js";
import { DRIFT_DEFAULTS, DriftConfigSchema } from "../drift/drift-config.js";
import { ANN_DEFAULTS } from "../recommend/retrieval/ann-index.js";
import { EventRateLimitSchema } from "./rate-limit.js";

/** The serving configuration tree: defaults here, then a config file, then flags. */
export const ServeConfigSchema = z
  .object({
    port: z.number().int().min(0).max(65_535).default(8080),
    host: z.string().min(1).default("0.0.0.0"),
    /** Feature store URL: `memory:` or `redis://…`. */
    featureStore: z.string().min(1).default("memory:"),
    /** Event log URL: `sqlite:PATH` or `redis://…`. */
    eventLog: z.string().min(1).default("sqlite:palate-events.db"),
    /**
     * How long a Redis event log remembers an event id to drop a replayed duplicate: a spill
     * file replayed later than this would double count. Each id costs ≈ 100 B of Redis for this
     * long, so at high traffic shorten it to what a spill replay can take (docs/cluster.md).
     */
    eventDedupeSeconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .default(86_400),
    /** Append-only file the event queue spills to while the event log is down. */
    spillPath: z.string().min(1).default("palate-events.spill.ndjson"),
    /** The per-request deadline. */
    deadlineMs: z.number().positive().max(10_000).default(50),
    /** Feature-store read timeout (within the deadline). */
    featureStoreTimeoutMs: z.number().positive().max(10_000).default(20),
    /**
     * Index searches per second for users the feature store could not answer (a Redis outage);
     * beyond it they get popularity, so an outage at peak cannot saturate the process. 0: never.
     */
    fallbackSearchesPerSecond: z.number().int().min(0).max(1_000_000).default(200),
    cache: z
      .object({
        maxEntries: z.number().int().min(1).default(10_000),
        ttlMs: z.number().int().min(1).default(60_000),
      })
      .strict()
      .default({ maxEntries: 10_000, ttlMs: 60_000 }),
    /**
     * HNSW search beam of the ANN index (catalogues above the exact-scan threshold): recall
     * against CPU. 32 kept recall@10 at 0.977 on a 100k-restaurant city (bench:ann); raise it
     * for a catalogue where bench:ann shows less.
     */
    annEfSearch: z.number().int().min(1).max(65_536).default(ANN_DEFAULTS.efSearch),
    /** How often to pick up item changes made through other replicas. */
    itemSyncMs: z.number().int().min(100).default(5_000),
    bodyLimitBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    /** The model name of the KServe v2 routes. */
    modelName: z.string().min(1).max(128).default("palate"),
    logRequests: z.boolean().default(false),
    /** Per-client token buckets on POST /v1/events (off when absent). */
    eventRateLimit: EventRateLimitSchema.optional(),
    /**
     * Which proxies' X-Forwarded-For to believe for the client address (Fastify's trustProxy:
     * true, a hop count, or addresses/CIDRs). Behind an ingress every request otherwise comes
     * from the proxy, and per-IP rate limits would lump all clients together.
     */
    trustProxy: z.union([z.boolean(), z.number().int().min(0).max(16), z.string().min(1)]).default(false),
    /** Production mode: refuses to start without an admin token (also NODE_ENV=production, --production). */
    production: z.boolean().default(false),
    /** Drift detection: windows, thresholds, retrain trigger (docs/drift.md). */
    drift: DriftConfigSchema.default(DRIFT_DEFAULTS),
    /** `system`, or a simulation's shared accelerated clock `sim:START,ANCHOR_MS,SPEED`. */
    clock: z.string().min(1).default("system"),
    /** Admin bearer token; prefer the PALATE_ADMIN_TOKEN environment variable over a file. */
    adminToken: z.string().min(16).optional(),
    /** Experiment decision rules (see DecisionRulesSchema), for the admin API's live view. */
    rules: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type ServeConfig = z.infer<typeof ServeConfigSchema>;

/** The configuration from defaults, an optional JSON file and flag overrides (flags win). */
export function resolveServeConfig(file: string | undefined, overrides: Partial<ServeConfig>): ServeConfig {
  const fromFile = file ? readConfigFile(file, ServeConfigSchema.partial()) : {};
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return ServeConfigSchema.parse({ ...fromFile, ...defined });
}
