import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Manifest } from "../models/artifact/manifest.js";
import { registerExperimentMetrics } from "./experiment-metrics.js";
import type { ExperimentReading } from "./experiment-reading.js";
import { type ModelFacts, modelFacts } from "./model-facts.js";

/** Latency buckets in seconds: fine below 10 ms, where the serving bars are; 0.1 is the alert's bound. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** What the event queue reports (a subset of `EventQueue.stats()`). */
export interface EventQueueReading {
  depth: number;
  lagSeconds: number;
  spilled: number;
  replayed: number;
  dropped: number;
  sinkAvailable: boolean;
}

/** One finished HTTP request, as the app's onResponse hook sees it. */
export interface FinishedRequest {
  /** The route pattern (`/v1/items/:item_id`), never the raw URL: ids must not become labels. */
  route: string;
  method: string;
  statusCode: number;
  variant: string;
  seconds: number;
  /** The request object, to find whether the route marked it as served by a fallback. */
  request: object;
}

/**
 * Every Prometheus metric of a serving process, in one place, named by Prometheus conventions
 * (base units, `_total` counters, `_info` gauges of value 1). One registry per process (tests
 * build several apps, each with its own registry, so metrics never leak between them); the drift
 * gauges (`drift-metrics.ts`) register on the same registry. Labels are bounded sets (routes,
 * variants, outcomes, versions being served): never user or item ids.
 */
export class ServingMetrics {
  readonly registry = new Registry();
  private readonly fallbackRequests = new WeakSet<object>();
  private readonly manifests = new Map<string, ModelFacts>();

  readonly requestDuration = new Histogram({
    name: "palate_http_request_duration_seconds",
    help: "HTTP request latency by route pattern, method, status class, variant (champion, canary, none) and outcome (ok, fallback, rejected, error)",
    labelNames: ["route", "method", "status_class", "variant", "outcome"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly recommendations = new Counter({
    name: "palate_recommendations_total",
    help: "Recommendation responses by the source of the user's query and the fallback served (none when personalised)",
    labelNames: ["source", "fallback"] as const,
    registers: [this.registry],
  });

  readonly cacheLookups = new Counter({
    name: "palate_cache_lookups_total",
    help: "Cache lookups by cache (popular, user, similar, precomputed: a pushed candidate list that answered or not) and result (hit, miss); the hit ratio is hits / all",
    labelNames: ["cache", "result"] as const,
    registers: [this.registry],
  });

  readonly fallbackSearchesShed = new Counter({
    name: "palate_fallback_searches_shed_total",
    help: "Users the feature store could not answer who got popularity instead of an index search, because fallback searches were over their per-second budget (fallbackSearchesPerSecond)",
    registers: [this.registry],
  });

  readonly featureStoreDuration = new Histogram({
    name: "palate_feature_store_read_duration_seconds",
    help: "Feature-store reads on the recommendation path by outcome (ok, timeout, error, circuit-open)",
    labelNames: ["outcome"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly featureStoreErrors = new Counter({
    name: "palate_feature_store_errors_total",
    help: "Feature-store writes and syncs that failed, by operation and kind",
    labelNames: ["operation", "kind"] as const,
    registers: [this.registry],
  });

  readonly eventsAccepted = new Counter({
    name: "palate_events_accepted_total",
    help: "Events validated and queued for the event log",
    registers: [this.registry],
  });

  readonly eventsRefused = new Counter({
    name: "palate_events_refused_total",
    help: "Events refused with 503 because the queue was full and could not spill",
    registers: [this.registry],
  });

  readonly eventsRateLimited = new Counter({
    name: "palate_events_rate_limited_total",
    help: "Events refused with 429 by the per-client rate limit on ingestion",
    registers: [this.registry],
  });

  readonly impressions = new Counter({
    name: "palate_impressions_total",
    help: "Recommendation lists logged as impressions, by variant and queue outcome (queued, refused)",
    labelNames: ["variant", "outcome"] as const,
    registers: [this.registry],
  });

  readonly modelInfo = new Gauge({
    name: "palate_model_info",
    help: "The model versions being served (value 1), by version, variant (champion, canary) and kind",
    labelNames: ["version", "variant", "kind"] as const,
    registers: [this.registry],
  });

  readonly modelTrainedAt = new Gauge({
    name: "palate_model_trained_timestamp_seconds",
    help: "When each served version was trained (its manifest's createdAt), unix seconds",
    labelNames: ["version", "variant"] as const,
    registers: [this.registry],
  });

  readonly modelTrainingDuration = new Gauge({
    name: "palate_model_training_duration_seconds",
    help: "Wall time of each served version's fit, when the trainer recorded it in the manifest",
    labelNames: ["version", "variant"] as const,
    registers: [this.registry],
  });

  readonly modelOfflineMetric = new Gauge({
    name: "palate_model_offline_metric",
    help: "Offline metrics of each served version from its manifest (validation nDCG@10 per history bucket, gate metrics)",
    labelNames: ["version", "variant", "metric"] as const,
    registers: [this.registry],
  });

  readonly modelTrainingData = new Gauge({
    name: "palate_model_training_data_size",
    help: "Size of each served version's training data: interactions, users, items",
    labelNames: ["version", "variant", "of"] as const,
    registers: [this.registry],
  });

  readonly modelLoadFailures = new Counter({
    name: "palate_model_load_failures_total",
    help: "Model versions that failed to load; the previous version kept serving",
    registers: [this.registry],
  });

  readonly catalogItems = new Gauge({
    name: "palate_catalog_items",
    help: "Items in the serving catalogue by state (live, deleted)",
    labelNames: ["state"] as const,
    registers: [this.registry],
  });

  /** Records a finished request; the outcome is derived, so the hook stays one call. */
  observeRequest(r: FinishedRequest): void {
    const outcome =
      r.statusCode >= 500
        ? "error"
        : r.statusCode >= 400
          ? "rejected"
          : this.fallbackRequests.has(r.request)
            ? "fallback"
            : "ok";
    const statusClass = `${Math.floor(r.statusCode / 100)}xx`;
    this.requestDuration.labels(r.route, r.method, statusClass, r.variant, outcome).observe(r.seconds);
  }

  /** Marks a request as answered by a fallback (its latency then counts under outcome="fallback"). */
  markFallback(request: object): void {
    this.fallbackRequests.add(request);
  }

  /** Keeps a loaded version's manifest facts until it is served (or replaced). */
  rememberModel(manifest: Manifest): void {
    this.manifests.set(manifest.version, modelFacts(manifest));
  }

  /** Sets the model gauges to the versions now served; facts of versions no longer served are dropped. */
  serving(champion: string, canary: string | null): void {
    for (const gauge of [this.modelInfo, this.modelTrainedAt, this.modelTrainingDuration]) gauge.reset();
    this.modelOfflineMetric.reset();
    this.modelTrainingData.reset();
    const served: [string, string][] = [[champion, "champion"]];
    if (canary) served.push([canary, "canary"]);
    for (const [version, variant] of served) {
      const facts = this.manifests.get(version);
      this.modelInfo.labels(version, variant, facts?.kind ?? "unknown").set(1);
      if (!facts) continue;
      this.modelTrainedAt.labels(version, variant).set(facts.trainedAtSeconds);
      if (facts.trainingSeconds !== null)
        this.modelTrainingDuration.labels(version, variant).set(facts.trainingSeconds);
      for (const [metric, value] of Object.entries(facts.offline))
        this.modelOfflineMetric.labels(version, variant, metric).set(value);
      for (const [of, value] of Object.entries(facts.data))
        this.modelTrainingData.labels(version, variant, of).set(value);
    }
    for (const version of this.manifests.keys())
      if (version !== champion && version !== canary) this.manifests.delete(version);
  }

  /** Queue gauges and counters read at scrape time (depth, lag, spills, replays, drops, sink state). */
  watchEventQueue(read: () => EventQueueReading): void {
    const registers = [this.registry];
    const gauges: [string, string, (s: EventQueueReading) => number][] = [
      ["palate_event_queue_depth", "Events accepted and not yet in the event log", (s) => s.depth],
      [
        "palate_event_queue_lag_seconds",
        "Age of the oldest event not yet in the event log (0 when empty)",
        (s) => s.lagSeconds,
      ],
      [
        "palate_event_sink_up",
        "1 while the event log accepts appends, 0 while events go to the spill file",
        (s) => (s.sinkAvailable ? 1 : 0),
      ],
    ];
    for (const [name, help, pick] of gauges)
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(pick(read()));
        },
      });
    const counters: [string, string, (s: EventQueueReading) => number][] = [
      [
        "palate_events_spilled_total",
        "Events written to the spill file because the event log was down or behind",
        (s) => s.spilled,
      ],
      ["palate_events_replayed_total", "Spilled events replayed into the event log", (s) => s.replayed],
      [
        "palate_events_dropped_total",
        "Accepted events lost (a corrupt spill line, a failed spill at shutdown); should stay 0",
        (s) => s.dropped,
      ],
    ];
    for (const [name, help, pick] of counters)
      new Counter({
        name,
        help,
        registers,
        collect() {
          // The queue keeps the cumulative count; the counter mirrors it.
          this.reset();
          this.inc(pick(read()));
        },
      });
  }

  /**
   * Experiment gauges read from the registry's state store at scrape time (registry mode); see
   * `experiment-metrics.ts`.
   */
  watchExperiment(read: () => Promise<ExperimentReading>): void {
    registerExperimentMetrics(this.registry, read);
  }
}
