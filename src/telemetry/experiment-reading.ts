import { CONTROLLER_LEASE } from "../experiments/controller.js";
import {
  OnlineMetrics,
  type OnlineMetricsState,
  type VariantMetrics,
} from "../experiments/online-metrics.js";
import type { ExperimentState, StateStore, Transition } from "../storage/state/state-store.js";

/** A canary decision as the registry's history records it. */
export type CanaryAction = "promote" | "rollback";

/** The experiment as a serving replica reads it from the registry's state store, for /metrics. */
export interface ExperimentReading {
  experiment: ExperimentState | null;
  /**
   * The running canary's per-variant online metrics as the controller last checkpointed them;
   * null without a canary or before the controller's first checkpoint of this experiment.
   */
  variants: { champion: VariantMetrics; canary: VariantMetrics; eventTime: number } | null;
  /** Promotions and rollbacks of canaries so far, by who decided (controller, admin, cli). */
  decisions: { action: CanaryAction; actor: string; count: number }[];
}

/** The controller's checkpoint state (`controller.ts` keeps the type private; its JSON is the contract). */
interface CheckpointState {
  experimentId: string | null;
  metrics: OnlineMetricsState | null;
}

/**
 * Reads the experiment, the controller's checkpoint and the history from the state store. The
 * controller computes the online metrics; a replica only re-reads its checkpoint, so every
 * replica reports the same numbers (queries take `max` over instances, not `sum`).
 * `catalogSize` is the denominator of coverage.
 */
export async function readExperiment(store: StateStore, catalogSize: number): Promise<ExperimentReading> {
  const [experiment, checkpoint, history] = await Promise.all([
    store.getExperiment(),
    store.getCheckpoint(CONTROLLER_LEASE),
    store.history(),
  ]);
  return {
    experiment,
    variants: variantsOf(experiment, checkpoint?.state as CheckpointState | undefined, catalogSize),
    decisions: countDecisions(history),
  };
}

function variantsOf(
  experiment: ExperimentState | null,
  saved: CheckpointState | undefined,
  catalogSize: number,
): ExperimentReading["variants"] {
  if (!experiment?.canary || !saved?.metrics || saved.experimentId !== experiment.id) return null;
  // Only the snapshot is wanted: margins and categories matter when events are added, not here.
  const facts = { marginOf: () => undefined, categoryOf: () => undefined, size: catalogSize };
  try {
    const snapshot = OnlineMetrics.fromState(saved.metrics, facts).snapshot();
    return { champion: snapshot.champion, canary: snapshot.canary, eventTime: snapshot.eventTime };
  } catch {
    // A checkpoint written by a newer controller: report no metrics rather than fail the scrape.
    return null;
  }
}

/** Counts canary promotions and rollbacks by actor: the history only grows, so counts never fall. */
export function countDecisions(history: readonly Transition[]): ExperimentReading["decisions"] {
  const counts = new Map<string, { action: CanaryAction; actor: string; count: number }>();
  for (const t of history) {
    if (t.from !== "canary") continue;
    const action: CanaryAction | null =
      t.to === "champion" ? "promote" : t.to === "rolled-back" ? "rollback" : null;
    if (!action) continue;
    const key = `${action}\u0000${t.actor}`;
    const entry = counts.get(key) ?? { action, actor: t.actor, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()];
}
