import type { FastifyInstance } from "fastify";
import { parseClock } from "../core/clock.js";
import { PalateError } from "../core/errors.js";
import { DriftMonitor } from "../drift/drift-monitor.js";
import { attachDriftBaselines } from "../drift/model-baselines.js";
import { catalogFacts } from "../experiments/catalog-facts.js";
import { DecisionRulesSchema } from "../experiments/decision.js";
import { ModelRegistry } from "../experiments/registry.js";
import { loadModel } from "../models/model-kinds.js";
import { GuardedFeatureStore } from "../recommend/guarded-feature-store.js";
import { type ModelSet, RecommendService } from "../recommend/recommend-service.js";
import { ServingModel } from "../recommend/serving-model.js";
import { EventQueue } from "../storage/events/event-queue.js";
import { openEventSink } from "../storage/events/open-event-sink.js";
import { openFeatureStore } from "../storage/features/open-feature-store.js";
import { openStateStore } from "../storage/state/open-state-store.js";
import type { StateStore } from "../storage/state/state-store.js";
import { registerDriftMetrics } from "../telemetry/drift-metrics.js";
import { readExperiment } from "../telemetry/experiment-reading.js";
import { ServingMetrics } from "../telemetry/metrics.js";
import { buildApp } from "./app.js";
import type { AppContext } from "./app-context.js";
import { DashboardSamplers, type DashboardSamplingOptions } from "./dashboard/dashboard-samplers.js";
import { ItemSync } from "./item-sync.js";
import { EventRateLimiter } from "./rate-limit.js";
import { RegistryWatcher } from "./registry-watcher.js";
import type { ServeConfig } from "./serve-config.js";

/** What to serve: one model version, or a registry's champion and canary. */
export type ServingTarget = { model: string } | { registry: string; state?: string };

/** Process-level options beside the serving configuration. */
export interface ServingOptions {
  /** `palate demo`: the dashboard's read-only registry and experiment views need no token. */
  demo?: boolean;
  /** How often and how much the dashboard's series sample. */
  dashboard?: DashboardSamplingOptions;
}

/** A running server and how to stop it. */
export interface RunningServer {
  app: FastifyInstance;
  context: AppContext;
  queue: EventQueue;
  /** The registry's state store when serving a registry. */
  state: StateStore | null;
  /** The dashboard's sampled series (tests call `sampleNow`). */
  dashboard: DashboardSamplers;
  /** Re-reads the registry now instead of at the next poll (registry mode). */
  syncRegistry(): Promise<void>;
  /**
   * Loads another model version and swaps it in as the only model; a version that fails to load
   * is reported and the current set keeps serving (requests in flight finish on their model).
   */
  reload(modelDir: string): Promise<{ ok: true; version: string } | { ok: false; error: string }>;
  /** Stops accepting requests, drains the event queue into the log, closes the stores. */
  close(): Promise<void>;
}

/**
 * Wires a serving process (fastify/demo's `server.ts`): stores by URL, the event queue, the
 * models, the app; then listens.
 */
export async function startServer(
  target: string | ServingTarget,
  config: ServeConfig,
  options: ServingOptions = {},
): Promise<RunningServer & { url: string }> {
  const serving = await createServing(target, config, options);
  const address = await serving.app.listen({ port: config.port, host: config.host });
  return { ...serving, url: address };
}

/** The default state store of a registry directory. */
export function registryStateUrl(registryDir: string): string {
  return `sqlite:${registryDir}/state.db`;
}

/**
 * The feature-store client's own command timeout: a backstop for a hung Redis (a command would
 * otherwise wait forever), far above the request's read budget, which the guard owns. When it
 * equalled that budget, the client's timer fired in the loop's timers phase after any turn
 * longer than the budget and failed reads whose replies sat unread in the socket, before the
 * guard could read them (the guard settles after the I/O phase): they counted as errors, five in
 * a row opened the circuit, and a saturated benchmark round served a second of fallbacks.
 */
export function featureStoreCommandTimeoutMs(config: Pick<ServeConfig, "featureStoreTimeoutMs">): number {
  return Math.max(1000, 4 * config.featureStoreTimeoutMs);
}

/** A serving app wired to its stores and models, not yet listening (tests drive it with inject). */
export async function createServing(
  target: string | ServingTarget,
  config: ServeConfig,
  options: ServingOptions = {},
): Promise<RunningServer> {
  const source: ServingTarget = typeof target === "string" ? { model: target } : target;
  const metrics = new ServingMetrics();
  // A replica starting while Redis is down still serves (fallbacks, spilled events) and
  // connects in the background, rather than crash-looping until Redis is back.
  const featureStore = await openFeatureStore(config.featureStore, {
    redis: { waitForConnection: false, commandTimeoutMs: featureStoreCommandTimeoutMs(config) },
  });
  const sink = await openEventSink(config.eventLog, {
    waitForConnection: false,
    redis: { dedupeTtlSeconds: config.eventDedupeSeconds },
  });
  const queue = new EventQueue(sink, { spillPath: config.spillPath });
  await queue.start();
  metrics.watchEventQueue(() => queue.stats());
  const context: AppContext = {
    service: null,
    featureStore,
    events: queue,
    metrics,
    modelName: config.modelName,
    clock: parseClock(config.clock, "config 'clock'"),
  };
  // Registry mode opens the state store first, so the admin API can be registered with it.
  const state: StateStore | null =
    "registry" in source ? await openStateStore(source.state ?? registryStateUrl(source.registry)) : null;
  const registry =
    state && "registry" in source
      ? new ModelRegistry(state, { dir: source.registry, clock: context.clock })
      : null;
  // The experiment's gauges come from the state store at scrape time (the controller computes them).
  if (state) metrics.watchExperiment(() => readExperiment(state, context.service?.model.catalog.size ?? 0));
  const adminToken = config.adminToken ?? process.env.PALATE_ADMIN_TOKEN;
  const experiment = registry
    ? {
        registry,
        rules: DecisionRulesSchema.parse(config.rules ?? {}),
        catalog: () => {
          const catalog = context.service?.model.catalog;
          return catalogFacts(
            catalog ? Array.from({ length: catalog.size }, (_, i) => catalog.metadata(i)) : [],
          );
        },
      }
    : null;
  const dashboard = new DashboardSamplers(metrics, () => context.clock, experiment, options.dashboard);
  // Drift detection watches every served list (docs/drift.md).
  const drift = config.drift.enabled ? new DriftMonitor(config.drift, () => context.clock()) : null;
  if (drift) {
    context.drift = { monitor: drift, token: adminToken || null, open: options.demo ?? false };
    registerDriftMetrics(metrics.registry, drift, () => context.service?.model ?? null);
  }
  const app = await buildApp(context, {
    bodyLimit: config.bodyLimitBytes,
    eventRateLimit: config.eventRateLimit ? new EventRateLimiter(config.eventRateLimit) : undefined,
    trustProxy: config.trustProxy,
    logger: config.logRequests,
    admin: experiment && adminToken ? { token: adminToken, ...experiment } : undefined,
    dashboard: { samplers: dashboard, experiment, token: adminToken || null, demo: options.demo ?? false },
  });
  const guard = new GuardedFeatureStore(
    featureStore,
    { timeoutMs: config.featureStoreTimeoutMs },
    Date.now,
    (o, s) => metrics.featureStoreDuration.labels(o).observe(s),
  );
  const items = new ItemSync(context, featureStore);
  const loadVersion = async (dir: string) => {
    const loaded = await loadModel(dir);
    metrics.rememberModel(loaded.manifest);
    return attachDriftBaselines(ServingModel.from(loaded, { efSearch: config.annEfSearch }), loaded.manifest);
  };
  let watcher: RegistryWatcher | null = null;
  const install = (set: ModelSet) => {
    const service = context.service;
    const previous = service?.modelSet;
    if (service) service.swapModels(set);
    else
      context.service = new RecommendService(
        set,
        guard,
        {
          deadlineMs: config.deadlineMs,
          cache: config.cache,
          fallbackSearchesPerSecond: config.fallbackSearchesPerSecond,
        },
        (c, hit) => metrics.cacheLookups.labels(c, hit ? "hit" : "miss").inc(),
      );
    if (drift && context.service) context.service.onServed = (list) => drift.observe(list);
    if (context.service) context.service.onFallbackShed = () => metrics.fallbackSearchesShed.inc();
    metrics.serving(set.champion.version, set.canary?.version ?? null);
    // Models swapped in have none of the API's item changes yet: apply them all again.
    items.reset();
    void items.sync();
    return previous;
  };
  try {
    if ("model" in source) {
      install({ champion: await loadVersion(source.model), canary: null, experiment: null });
    } else {
      watcher = new RegistryWatcher(state as StateStore, (record) => loadVersion(record.dir));
      install(await watcher.initial());
      watcher.onSwap = (set) => install(set);
      watcher.onError = (error) => {
        metrics.modelLoadFailures.inc();
        // The operator's only sign of a broken version besides the counter: say which and why.
        console.error(`palate serve: registry: ${error.message} (still serving the current set)`);
      };
      watcher.onStoreError = (error) =>
        console.error(
          `palate serve: registry state store: ${error.message} (retrying; still serving the current set)`,
        );
      watcher.start();
    }
  } catch (error) {
    await Promise.allSettled([
      app.close(),
      queue.close().then(() => sink.close()),
      featureStore.close(),
      state?.close(),
    ]);
    const where = "model" in source ? source.model : source.registry;
    throw error instanceof PalateError
      ? error
      : new PalateError(`${where}: cannot serve: ${(error as Error).message}`, { cause: error });
  }
  // Without Redis at start the catalogue is the model's until the next successful poll.
  await items.sync();
  items.start(config.itemSyncMs);
  dashboard.start();
  return {
    app,
    context,
    queue,
    state,
    dashboard,
    async syncRegistry() {
      await watcher?.poll();
    },
    async reload(dir: string) {
      try {
        const model = await loadVersion(dir);
        const previous = install({ champion: model, canary: null, experiment: null });
        if (previous && previous.champion !== model) void previous.champion.close();
        return { ok: true as const, version: model.version };
      } catch (error) {
        metrics.modelLoadFailures.inc();
        return { ok: false as const, error: (error as Error).message };
      }
    },
    async close() {
      items.stop();
      dashboard.stop();
      await app.close();
      await watcher?.close();
      if (!watcher) await context.service?.model.close();
      await queue.close();
      await Promise.allSettled([sink.close(), featureStore.close(), state?.close()]);
    },
  };
}
