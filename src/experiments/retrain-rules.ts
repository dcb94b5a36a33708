import { z } from "zod";
import { DecisionRulesSchema } from "./decision-rules.js";
import { FreshnessRulesSchema } from "./freshness.js";
import { GateRulesSchema } from "./offline-gate.js";

const Positive = z.number().int().positive();

/**
 * How a retrain trains the hybrid. The champion's manifest records its parts and history buckets
 * (which a retrain reuses unless `parts` is given here) but not the parts' own hyperparameters,
 * so those come from this config; every field defaults to the hybrid's own default.
 */
export const RetrainTrainingSchema = z
  .object({
    parts: z
      .array(z.enum(["als", "ease", "elsa", "cleora", "content", "popularity"]))
      .min(1)
      .optional(),
    als: z
      .object({
        factors: Positive.optional(),
        iterations: Positive.optional(),
        regularization: z.number().min(0).optional(),
        alpha: z.number().min(0).optional(),
      })
      .strict()
      .optional(),
    cleora: z
      .object({ dimensions: Positive.optional(), iterations: Positive.optional() })
      .strict()
      .optional(),
    validation: z
      .object({ maxUsersPerBucket: Positive.optional(), seed: z.number().int().optional() })
      .strict()
      .optional(),
  })
  .strict()
  .prefault({});

/** Options of the hybrid a retrain fits. */
export type RetrainTraining = z.infer<typeof RetrainTrainingSchema>;

/** Freshness-triggered retraining: the `retrain` key of `palate controller --rules F`. */
export const RetrainRulesSchema = z
  .object({
    /** Off by default: retraining needs an interaction store (`--interactions`); `--retrain` turns it on. */
    enabled: z.boolean().default(false),
    freshness: FreshnessRulesSchema,
    gate: GateRulesSchema,
    training: RetrainTrainingSchema,
    /** Share of users the canary of a version that passed the gate gets. */
    canaryPercent: z.number().gt(0).max(100).default(10),
    /** A retrain running longer than this (wall ms) is killed and retried at the next stale check. */
    timeoutMs: z.number().int().positive().default(3_600_000),
  })
  .strict()
  .prefault({});

/** Parsed retrain rules. */
export type RetrainRules = z.infer<typeof RetrainRulesSchema>;

/** The controller's whole rules file: the canary decision rules plus `retrain`. */
export const ControllerRulesSchema = DecisionRulesSchema.extend({ retrain: RetrainRulesSchema }).strict();

/** Splits a parsed rules file into the decision rules and the retrain rules. */
export function splitControllerRules(parsed: z.infer<typeof ControllerRulesSchema>) {
  const { retrain, ...decision } = parsed;
  return { decision: DecisionRulesSchema.parse(decision), retrain };
}
