import { z } from "zod";
import type { MetricsSnapshot, VariantMetrics } from "./online-metrics.js";
import { worseBeyondTolerance } from "./sequential-test.js";

/** The rules of canary decisions; every field has a default, so `{}` is a valid config. */
export const DecisionRulesSchema = z
  .object({
    /** Type-I error of each always-valid rollback test (mSPRT). */
    alpha: z.number().gt(0).lt(1).default(0.05),
    /** Variance of the mSPRT's normal mixing distribution over the rate difference. */
    tau2: z.number().positive().default(1e-4),
    /** A key metric may drop this much (relative to the champion) before it counts as worse. */
    relativeTolerance: z.number().min(0).max(1).default(0.05),
    /** Promotion waits this long after the canary started (event-clock milliseconds). */
    minDurationMs: z
      .number()
      .int()
      .min(0)
      .default(7 * 24 * 3600 * 1000),
    /** … and for this many impressions in each variant. */
    minImpressions: z.number().int().min(1).default(2000),
    /** The key-metric tests start once each variant has this many impressions. */
    minImpressionsForTests: z.number().int().min(1).default(300),
    /** Guardrails are judged only with this many impressions in each variant. */
    minImpressionsForGuardrails: z.number().int().min(1).default(500),
    /** Roll back when the canary's mean intra-list diversity is lower by more than this share. */
    maxDiversityDrop: z.number().min(0).max(1).default(0.25),
    /**
     * Roll back when the canary's mean margin of recommended items is higher by more than this
     * share while its CTR is not higher: the "recommends only high-margin items" failure.
     */
    maxMarginIncrease: z.number().min(0).default(0.1),
  })
  .strict();
export type DecisionRules = z.infer<typeof DecisionRulesSchema>;

/** What to do with the canary now, why (a sentence with the numbers), and the numbers. */
export interface Decision {
  action: "rollback" | "promote" | "continue";
  reason: string;
  stats: Record<string, unknown>;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/**
 * The canary decision, a pure function of the metrics so far. Roll back as soon as the canary is
 * worse than the champion on CTR or booking rate beyond the relative tolerance with always-valid
 * confidence (mSPRT, p ≤ α/2 per metric under continuous monitoring, so ≤ α for either), or breaks a guardrail (diversity drop,
 * margin skew without a CTR gain). Promote once the minimum duration and sample have passed
 * with nothing degraded. Otherwise continue. Catalogue coverage is reported but not judged: the
 * canary's smaller share of traffic shows fewer distinct items whatever its quality.
 */
export function decide(
  snapshot: MetricsSnapshot,
  rules: DecisionRules,
  nowMs: number,
  startedAtMs: number,
): Decision {
  const { champion: a, canary: b } = snapshot;
  const stats: Record<string, unknown> = { champion: a, canary: b, elapsedMs: nowMs - startedAtMs };
  // The normal approximation behind the test needs some successes in both arms; before that the
  // sample is too small to judge anything.
  const testable = Math.min(a.impressions, b.impressions) >= rules.minImpressionsForTests;
  // Two key metrics share α (Bonferroni), so the chance of any false rollback stays ≤ α.
  const alphaEach = rules.alpha / 2;
  for (const [name, success] of [
    ["CTR", (m: VariantMetrics) => m.clickedImpressions],
    ["booking rate", (m: VariantMetrics) => m.bookedImpressions],
  ] as const) {
    const rateA = a.impressions === 0 ? 0 : success(a) / a.impressions;
    const test = worseBeyondTolerance(
      { successes: success(a), trials: a.impressions },
      { successes: success(b), trials: b.impressions },
      rules.relativeTolerance * rateA,
      rules.tau2,
    );
    stats[`${name} p`] = test.p;
    if (testable && test.p <= alphaEach) {
      const rateB = b.impressions === 0 ? 0 : success(b) / b.impressions;
      return {
        action: "rollback",
        reason: `canary ${name} ${pct(rateB)} vs champion ${pct(rateA)} over ${b.impressions} and ${a.impressions} impressions: worse beyond the ${pct(rules.relativeTolerance)} tolerance (always-valid p = ${test.p.toPrecision(3)} ≤ α/2 = ${alphaEach})`,
        stats,
      };
    }
  }
  const guardrails = Math.min(a.impressions, b.impressions) >= rules.minImpressionsForGuardrails;
  if (guardrails && a.diversity > 0 && b.diversity < a.diversity * (1 - rules.maxDiversityDrop)) {
    return {
      action: "rollback",
      reason: `canary diversity ${b.diversity.toFixed(3)} vs champion ${a.diversity.toFixed(3)}: a drop beyond ${pct(rules.maxDiversityDrop)}`,
      stats,
    };
  }
  if (
    guardrails &&
    a.meanMargin !== null &&
    b.meanMargin !== null &&
    b.meanMargin > a.meanMargin * (1 + rules.maxMarginIncrease) &&
    b.ctr <= a.ctr
  ) {
    return {
      action: "rollback",
      reason: `canary recommends higher-margin items (mean margin ${b.meanMargin.toFixed(3)} vs ${a.meanMargin.toFixed(3)}, above +${pct(rules.maxMarginIncrease)}) without a better CTR (${pct(b.ctr)} vs ${pct(a.ctr)})`,
      stats,
    };
  }
  const elapsed = nowMs - startedAtMs;
  if (elapsed >= rules.minDurationMs && Math.min(a.impressions, b.impressions) >= rules.minImpressions) {
    return {
      action: "promote",
      reason: `nothing degraded after ${(elapsed / 3_600_000).toFixed(1)} h and ${b.impressions} canary impressions (CTR ${pct(b.ctr)} vs ${pct(a.ctr)}, booking rate ${pct(b.bookingRate)} vs ${pct(a.bookingRate)})`,
      stats,
    };
  }
  return {
    action: "continue",
    reason: "no evidence of degradation yet; minimum duration or sample not reached",
    stats,
  };
}
