import type { Clock } from "../core/clock.js";
import type { ExperimentState } from "../storage/state/state-store.js";
import type { CatalogFacts } from "./catalog-facts.js";
import { CONTROLLER_LEASE } from "./controller.js";
import { type Decision, type DecisionRules, decide } from "./decision.js";
import { type MetricsSnapshot, OnlineMetrics, type OnlineMetricsState } from "./online-metrics.js";
import type { ModelRegistry } from "./registry.js";

/** What the live experiment is read from: the registry, the decision rules, the catalogue. */
export interface ExperimentSource {
  registry: ModelRegistry;
  rules: DecisionRules;
  catalog: () => CatalogFacts;
}

/** The live experiment as the controller last checkpointed it, and the decision it points to. */
export interface ExperimentView {
  experiment: ExperimentState | null;
  metrics: MetricsSnapshot | null;
  decision: Decision | null;
  /** The controller checkpoint the metrics came from (null without one). */
  cursor: string | null;
}

/**
 * Reads the live experiment (for `GET /v1/admin/experiment` and the dashboard): the controller's checkpointed
 * aggregates of the current experiment, re-run through the pure decision function. `previous`
 * lets a sampler skip rebuilding the aggregates when the checkpoint has not moved.
 */
export async function readExperiment(
  source: ExperimentSource,
  now: Clock,
  previous: ExperimentView | null = null,
): Promise<ExperimentView> {
  const experiment = await source.registry.store.getExperiment();
  const checkpoint = await source.registry.store.getCheckpoint(CONTROLLER_LEASE);
  const saved = checkpoint?.state as
    | { experimentId: string | null; metrics: OnlineMetricsState | null }
    | undefined;
  if (!experiment?.canary || !checkpoint || !saved?.metrics || saved.experimentId !== experiment.id) {
    return { experiment, metrics: null, decision: null, cursor: null };
  }
  const unchanged =
    previous?.metrics && previous.cursor === checkpoint.cursor && previous.experiment?.id === experiment.id;
  const metrics = unchanged
    ? (previous.metrics as MetricsSnapshot)
    : OnlineMetrics.fromState(saved.metrics, source.catalog()).snapshot();
  return {
    experiment,
    metrics,
    decision: decide(metrics, source.rules, now(), experiment.startedAt),
    cursor: checkpoint.cursor,
  };
}
