import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** Latency buckets in seconds: fine below 10 ms, where the serving bars are. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Every Prometheus metric of a serving process, in one place, named by Prometheus conventions
 * (base units, `_total` counters). One registry per process (tests build several apps, each
 * with its own registry, so metrics never leak between them).
 */
export class ServingMetrics {
  readonly registry = new Registry();

  readonly requestDuration = new Histogram({
    name: "palate_http_request_duration_seconds",
    help: "HTTP request latency by route, method, status class and variant",
    labelNames: ["route", "method", "status_class", "variant"] as const,
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
    help: "Cache lookups by cache (popular, user, similar) and result (hit, miss)",
    labelNames: ["cache", "result"] as const,
    registers: [this.registry],
  });

  readonly featureStoreDuration = new Histogram({
    name: "palate_feature_store_read_duration_seconds",
    help: "Feature-store reads by outcome (ok, timeout, error, circuit-open)",
    labelNames: ["outcome"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly featureStoreErrors = new Counter({
    name: "palate_feature_store_errors_total",
    help: "Feature-store operations that failed, by operation and kind",
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

  readonly impressions = new Counter({
    name: "palate_impressions_total",
    help: "Recommendation lists logged as impressions, by variant and queue outcome (queued, refused)",
    labelNames: ["variant", "outcome"] as const,
    registers: [this.registry],
  });

  readonly modelInfo = new Gauge({
    name: "palate_model_info",
    help: "The model version being served (value 1)",
    labelNames: ["version", "variant"] as const,
    registers: [this.registry],
  });

  readonly modelLoadFailures = new Counter({
    name: "palate_model_load_failures_total",
    help: "Model versions that failed to load; the previous version kept serving",
    registers: [this.registry],
  });

  readonly catalogItems = new Gauge({
    name: "palate_catalog_items",
    help: "Items in the serving catalogue by state",
    labelNames: ["state"] as const,
    registers: [this.registry],
  });

  /** Gauges read from the event queue at scrape time (depth, lag, spills, drops). */
  watchEventQueue(
    read: () => { depth: number; lagSeconds: number; spilled: number; replayed: number; dropped: number },
  ): void {
    const registry = this.registry;
    const gauge = (name: string, help: string, pick: (s: ReturnType<typeof read>) => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(pick(read()));
        },
      });
    gauge("palate_event_queue_depth", "Events accepted and not yet in the event log", (s) => s.depth);
    gauge(
      "palate_event_queue_lag_seconds",
      "Age of the oldest event not yet in the event log",
      (s) => s.lagSeconds,
    );
    gauge(
      "palate_events_spilled",
      "Events written to the spill file since start (cumulative)",
      (s) => s.spilled,
    );
    gauge(
      "palate_events_replayed",
      "Spilled events replayed into the event log since start (cumulative)",
      (s) => s.replayed,
    );
    gauge("palate_events_dropped", "Events lost since start (cumulative; should stay 0)", (s) => s.dropped);
  }
}
