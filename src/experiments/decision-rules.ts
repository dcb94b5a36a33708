import { z } from "zod";

/** How one key metric is tested: how much worse the canary may be, and the mSPRT's mixing variance. */
function keyMetricRule(tau2: number) {
  return z
    .object({
      /** The canary may be worse by this much before it counts as degraded. */
      tolerance: z.number().min(0).max(1).default(0.05),
      /** true: `tolerance` is a share of the champion's rate (0.05 = 5% lower); false: a rate difference. */
      relative: z.boolean().default(true),
      /**
       * Variance τ² of the normal mixing distribution (squared rate units): the test is quickest
       * for degradations of about τ beyond the tolerance, and robust within an order of magnitude.
       */
      tau2: z.number().positive().default(tau2),
    })
    .strict()
    .prefault({});
}

/**
 * The rules of canary decisions, for a config file (`palate controller --rules F`). Every field has
 * a default, so `{}` is a valid config; unknown fields are errors (a typo must not silently fall
 * back to a default).
 */
export const DecisionRulesSchema = z
  .object({
    /**
     * The chance of rolling back a canary that is not worse beyond the tolerances, however often
     * the controller looks: split evenly over the key metrics' always-valid tests (Bonferroni).
     */
    alpha: z.number().gt(0).lt(1).default(0.05),
    /** CTR: lists with a click / lists. τ = 1.6 points suits rates around 10%. */
    ctr: keyMetricRule(2.5e-4),
    /** Booking rate: lists with a booking / lists. τ = 0.5 points suits rates around 2%. */
    bookingRate: keyMetricRule(2.5e-5),
    /** The key-metric tests act once each variant has this many impressions (the normal approximation needs some). */
    minImpressionsForTests: z.number().int().min(1).default(300),
    /** Promotion waits this long after the canary started (event-clock milliseconds). */
    minDurationMs: z
      .number()
      .int()
      .min(0)
      .default(7 * 24 * 3600 * 1000),
    /** … and for this many impressions in each variant. */
    minImpressions: z.number().int().min(1).default(2000),
    /**
     * … and while no key metric's fixed-sample z statistic against its tolerance is below −this
     * (one-sided 5% by default): a bad canary the always-valid test has not caught yet keeps
     * running instead of being promoted.
     */
    promotionZ: z.number().min(0).default(1.645),
    /** Guardrails are judged once each variant has this many impressions. */
    minImpressionsForGuardrails: z.number().int().min(1).default(500),
    /** Roll back when the canary's mean intra-list diversity is lower by more than this share. */
    maxDiversityDrop: z.number().min(0).max(1).default(0.25),
    /** Roll back when the canary's paired catalogue coverage is lower by more than this share. */
    maxCoverageDrop: z.number().min(0).max(1).default(0.3),
    /**
     * Roll back when the canary's mean margin of recommended items is higher by more than this
     * share while neither its CTR nor its booking rate is higher: the "recommends only high-margin
     * items" failure.
     */
    maxMarginIncrease: z.number().min(0).default(0.1),
  })
  .strict();

/** Parsed decision rules (all defaults filled in). */
export type DecisionRules = z.infer<typeof DecisionRulesSchema>;
