import type { FastifyInstance } from "fastify";
import { PalateError } from "../core/errors.js";
import { loadModel } from "../models/model-kinds.js";
import { GuardedFeatureStore } from "../recommend/guarded-feature-store.js";
import { RecommendService } from "../recommend/recommend-service.js";
import { ServingModel } from "../recommend/serving-model.js";
import { EventQueue } from "../storage/events/event-queue.js";
import { openEventSink } from "../storage/events/open-event-sink.js";
import type { FeatureStore } from "../storage/features/feature-store.js";
import { openFeatureStore } from "../storage/features/open-feature-store.js";
import { ServingMetrics } from "../telemetry/metrics.js";
import { buildApp } from "./app.js";
import type { AppContext } from "./app-context.js";
import type { ServeConfig } from "./serve-config.js";

/** A running server and how to stop it. */
export interface RunningServer {
  app: FastifyInstance;
  context: AppContext;
  queue: EventQueue;
  /**
   * Loads another model version and swaps it in; a version that fails to load is reported and
   * the current one keeps serving (requests in flight finish on the model they started with).
   */
  reload(modelDir: string): Promise<{ ok: true; version: string } | { ok: false; error: string }>;
  url: string;
  /** Stops accepting requests, drains the event queue into the log, closes the stores. */
  close(): Promise<void>;
}

/**
 * Wires a serving process (fastify/demo's `server.ts`): stores by URL, the event queue, the
 * model, the app; then listens. Item changes made through other replicas are polled from the
 * feature store.
 */
export async function startServer(modelDir: string, config: ServeConfig): Promise<RunningServer> {
  const serving = await createServing(modelDir, config);
  const address = await serving.app.listen({ port: config.port, host: config.host });
  return { ...serving, url: address };
}

/** A serving app wired to its stores and model, not yet listening (tests drive it with inject). */
export async function createServing(
  modelDir: string,
  config: ServeConfig,
): Promise<Omit<RunningServer, "url">> {
  const metrics = new ServingMetrics();
  // A replica starting while Redis is down still serves (fallbacks, spilled events) and
  // connects in the background, rather than crash-looping until Redis is back.
  const featureStore = await openFeatureStore(config.featureStore, {
    redis: { waitForConnection: false, commandTimeoutMs: config.featureStoreTimeoutMs },
  });
  const sink = await openEventSink(config.eventLog, { waitForConnection: false });
  const queue = new EventQueue(sink, { spillPath: config.spillPath });
  await queue.start();
  metrics.watchEventQueue(() => queue.stats());
  const context: AppContext = {
    service: null,
    featureStore,
    events: queue,
    metrics,
    modelName: config.modelName,
    variant: "champion",
  };
  const app = await buildApp(context, { bodyLimit: config.bodyLimitBytes, logger: config.logRequests });
  const guard = new GuardedFeatureStore(
    featureStore,
    { timeoutMs: config.featureStoreTimeoutMs },
    Date.now,
    (outcome, seconds) => metrics.featureStoreDuration.labels(outcome).observe(seconds),
  );
  // Item changes already applied, as JSON by id, so a poll re-applies nothing it has seen.
  const applied = new Map<string, string>();
  try {
    const model = ServingModel.from(await loadModel(modelDir));
    context.service = new RecommendService(
      model,
      guard,
      { deadlineMs: config.deadlineMs, cache: config.cache },
      (cache, hit) => metrics.cacheLookups.labels(cache, hit ? "hit" : "miss").inc(),
    );
    metrics.modelInfo.labels(model.version, context.variant).set(1);
  } catch (error) {
    await Promise.allSettled([app.close(), queue.close().then(() => sink.close()), featureStore.close()]);
    throw error instanceof PalateError
      ? error
      : new PalateError(`${modelDir}: cannot serve: ${(error as Error).message}`, { cause: error });
  }
  const sync = () =>
    syncItems(context, featureStore, applied).catch(() =>
      metrics.featureStoreErrors.labels("item_changes", "error").inc(),
    );
  // Without Redis at start the catalogue is the model's until the next successful poll.
  await sync();
  const timer = setInterval(sync, config.itemSyncMs);
  timer.unref();
  return {
    app,
    context,
    queue,
    async reload(dir: string) {
      const service = context.service;
      try {
        const model = ServingModel.from(await loadModel(dir));
        if (!service) throw new PalateError("no service to swap into");
        const previous = service.model;
        service.swapModel(model);
        void previous.close();
        metrics.modelInfo.remove(previous.version, context.variant);
        metrics.modelInfo.labels(model.version, context.variant).set(1);
        // The new catalogue has none of the API's item changes yet: apply them all again.
        applied.clear();
        await sync();
        return { ok: true as const, version: model.version };
      } catch (error) {
        metrics.modelLoadFailures.inc();
        return { ok: false as const, error: (error as Error).message };
      }
    },
    async close() {
      clearInterval(timer);
      await app.close();
      await context.service?.model.close();
      await queue.close();
      await Promise.allSettled([sink.close(), featureStore.close()]);
    },
  };
}

/** Applies item upserts and deletes made through any replica (they live in the feature store). */
export async function syncItems(
  context: AppContext,
  store: FeatureStore,
  applied: Map<string, string>,
): Promise<void> {
  const service = context.service;
  if (!service) return;
  const changes = await store.itemChanges();
  let changed = false;
  for (const item of changes.upserts) {
    const json = JSON.stringify(item);
    if (applied.get(item.itemId) === json) continue;
    service.model.upsertItem(item);
    applied.set(item.itemId, json);
    changed = true;
  }
  for (const id of changes.deletes) {
    if (applied.get(id) === DELETED) continue;
    service.model.catalog.delete(id);
    applied.set(id, DELETED);
    changed = true;
  }
  if (changed) service.catalogChanged();
}

const DELETED = "\u0000deleted";
