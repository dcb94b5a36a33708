import type { Clock } from "../core/clock.js";
import type { RecommendService } from "../recommend/recommend-service.js";
import type { LoggedEvent } from "../storage/events/event-log.js";
import type { FeatureStore } from "../storage/features/feature-store.js";
import type { ServingMetrics } from "../telemetry/metrics.js";
import type { DriftAccess } from "./routes/drift.js";

/** Where accepted events go: a bounded queue that never blocks the request path. */
export interface EventIntake {
  /** "refused" when the queue is full and cannot spill (the route answers 503). */
  offer(events: LoggedEvent[]): "queued" | "refused";
  /** Seconds a refused client should wait before retrying. */
  retryAfterSeconds(): number;
}

/** Everything the routes share; the service is absent until a model is loaded. */
export interface AppContext {
  service: RecommendService | null;
  featureStore: FeatureStore;
  events: EventIntake;
  metrics: ServingMetrics;
  /** The model name of the KServe v2 routes. */
  modelName: string;
  /** Event time: the system clock, or the simulation's shared accelerated clock. */
  clock: Clock;
  /** Drift detection (src/drift) and who may read its report; absent when disabled. */
  drift?: DriftAccess;
}
