import { z } from "zod";

const HOUR_MS = 3_600_000;

/** When the champion's data counts as stale (part of `palate controller --rules F`, key `retrain.freshness`). */
export const FreshnessRulesSchema = z
  .object({
    /** Retrain once the interactions newer than the snapshot reach this share of the snapshot's. */
    minNewShare: z.number().gt(0).default(0.05),
    /** … or once the model is this old (experiment-clock ms) … */
    maxAgeMs: z
      .number()
      .int()
      .positive()
      .default(24 * HOUR_MS),
    /** … and at least this many new interactions exist (retraining on the same data is waste). */
    minNewForAge: z.number().int().min(1).default(1),
  })
  .strict()
  .prefault({});

/** Parsed freshness rules. */
export type FreshnessRules = z.infer<typeof FreshnessRulesSchema>;

/** What the freshness check looks at: the baseline model's snapshot and what arrived since. */
export interface FreshnessInput {
  /** Raw interactions the baseline model was trained on. */
  snapshotInteractions: number;
  /** Interactions in the store newer than the baseline's newest training interaction. */
  newInteractions: number;
  /** When the baseline was registered (experiment-clock ms). */
  registeredAt: number;
  /** Now, on the experiment clock. */
  now: number;
  /** Features whose drift asks for a retrain (serving's drift monitor, `drift.retrain`); none when absent. */
  drifted?: readonly string[];
}

/** The verdict, with the numbers behind it (they go in the history of the retrained version). */
export interface Freshness {
  stale: boolean;
  reason: string;
  stats: { newInteractions: number; newShare: number; ageMs: number };
}

/**
 * Whether the data is stale enough to retrain: enough new interactions relative to the
 * snapshot, or an old model with any new data at all, or drift reported by serving with any new
 * data at all. Pure: the controller passes counts from
 * the interaction store and times from the experiment clock.
 */
export function checkFreshness(input: FreshnessInput, rules: FreshnessRules): Freshness {
  const { newInteractions, snapshotInteractions } = input;
  const newShare =
    snapshotInteractions > 0 ? newInteractions / snapshotInteractions : newInteractions > 0 ? Infinity : 0;
  const ageMs = Math.max(0, input.now - input.registeredAt);
  const stats = { newInteractions, newShare, ageMs };
  const share = `${newInteractions} new interactions (${percent(newShare)} of the ${snapshotInteractions} trained on)`;
  const age = `${(ageMs / HOUR_MS).toFixed(1)} h old`;
  if (newInteractions > 0 && newShare >= rules.minNewShare) {
    return { stale: true, reason: `${share} ≥ ${percent(rules.minNewShare)}`, stats };
  }
  if (ageMs >= rules.maxAgeMs && newInteractions >= rules.minNewForAge) {
    return {
      stale: true,
      reason: `model ${age} ≥ ${(rules.maxAgeMs / HOUR_MS).toFixed(1)} h with ${share}`,
      stats,
    };
  }
  // Live traffic no longer looks like the training data: retrain on whatever new data there is.
  const drifted = input.drifted ?? [];
  if (drifted.length > 0 && newInteractions >= rules.minNewForAge) {
    return { stale: true, reason: `drift on ${drifted.join(", ")} with ${share}`, stats };
  }
  return { stale: false, reason: `fresh: ${share}, ${age}`, stats };
}

function percent(share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : "∞%";
}
