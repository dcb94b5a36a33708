import type { DecisionRules } from "./decision-rules.js";
import type { MetricsSnapshot, VariantMetrics } from "./online-metrics.js";
import { type DegradationLook, degradationTest, degradationZ } from "./sequential-test.js";

export { type DecisionRules, DecisionRulesSchema } from "./decision-rules.js";

/** What to do with the canary now, why (a sentence with the numbers), and the numbers. */
export interface Decision {
  action: "rollback" | "promote" | "continue";
  reason: string;
  stats: Record<string, unknown>;
}

/** The key metrics: Bernoulli per list, compared by the always-valid degradation test. */
const KEY_METRICS = [
  { key: "ctr", label: "CTR", successes: (m: VariantMetrics) => m.clickedImpressions },
  { key: "bookingRate", label: "booking rate", successes: (m: VariantMetrics) => m.bookedImpressions },
] as const;

/** A key metric's test, as it goes into the stats. */
type KeyMetricStats = DegradationLook & {
  /** The fixed-sample z statistic against the tolerance (promotion holds below −promotionZ). */
  z: number;
  tolerance: number;
  relative: boolean;
  tau2: number;
};

/** A guardrail's comparison, as it goes into the stats. */
interface GuardrailCheck {
  champion: number | null;
  canary: number | null;
  /** canary / champion − 1. */
  change: number | null;
  limit: number;
  judged: boolean;
  breached: boolean;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const signed = (x: number | null) =>
  x === null ? "n/a" : `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)}%`;
const count = (n: number) => n.toLocaleString("en-US");
const change = (canary: number | null, champion: number | null) =>
  canary === null || champion === null || champion <= 0 ? null : canary / champion - 1;

/**
 * The canary decision, a pure function of the metrics so far (the controller calls it after every
 * batch of events):
 *
 * - roll back as soon as the canary is worse than the champion on a key metric (CTR, booking rate:
 *   lists with a click / booking) beyond its tolerance with always-valid confidence — the
 *   one-sided mixture SPRT of Johari et al. (2017, `sequential-test.ts`) at α / 2 per metric, so
 *   the chance of ever rolling back a canary that is not worse stays ≤ α (Bonferroni) however
 *   often this runs — or as soon as a guardrail is breached beyond its tolerance with enough lists
 *   in each variant: intra-list diversity down, paired catalogue coverage down, or mean margin up
 *   while neither key metric is higher (thresholds on point estimates; the minimum sample keeps
 *   sampling noise far below them, which the A/A runs of `bench/experiments.ts` check);
 * - promote once the minimum duration and the minimum lists per variant are reached with nothing
 *   degraded: no breach, and no key metric that a fixed-sample z-test finds worse than its
 *   tolerance (a bad canary the always-valid test has not caught yet keeps running until it is);
 * - otherwise continue.
 *
 * Times are milliseconds on the experiment's clock.
 */
export function decide(
  snapshot: MetricsSnapshot,
  rules: DecisionRules,
  nowMs: number,
  startedAtMs: number,
): Decision {
  const { champion: a, canary: b } = snapshot;
  const elapsedMs = nowMs - startedAtMs;
  const fewest = Math.min(a.impressions, b.impressions);
  const alphaEach = rules.alpha / KEY_METRICS.length;
  const testable = fewest >= rules.minImpressionsForTests;
  const breaches: string[] = [];
  // Likely worse than the tolerance by a fixed-sample test, though not proven: no promotion.
  const doubts: string[] = [];
  const looks: Record<string, KeyMetricStats> = {};

  for (const metric of KEY_METRICS) {
    const rule = rules[metric.key];
    const champion = { successes: metric.successes(a), trials: a.impressions };
    const canary = { successes: metric.successes(b), trials: b.impressions };
    const tolerance = { value: rule.tolerance, relative: rule.relative };
    const look = degradationTest(champion, canary, { tolerance, tau2: rule.tau2, alpha: alphaEach });
    const z = degradationZ(champion, canary, tolerance);
    looks[metric.key] = { ...look, z, tolerance: rule.tolerance, relative: rule.relative, tau2: rule.tau2 };
    const allowed = rule.relative
      ? `${pct(rule.tolerance)} relative`
      : `${(100 * rule.tolerance).toFixed(2)}-point`;
    if (z < -rules.promotionZ)
      doubts.push(
        `${metric.label} looks ${signed(change(look.canaryRate, look.championRate))} off, worse than the ` +
          `${allowed} tolerance by z = ${z.toFixed(2)}, though not proven`,
      );
    if (!testable || !look.rejected) continue;
    const proven = look.provenDegradation ?? 0;
    const bound = rule.relative ? `${pct(proven)} lower` : `${(100 * proven).toFixed(2)} points lower`;
    breaches.push(
      `canary ${metric.label} ${pct(look.canaryRate)} vs champion ${pct(look.championRate)} ` +
        `(${signed(change(look.canaryRate, look.championRate))}) over ${count(b.impressions)} and ` +
        `${count(a.impressions)} lists is worse beyond the ${allowed} tolerance: at least ${bound} ` +
        `with always-valid p = ${look.pValue.toPrecision(3)} ≤ α/${KEY_METRICS.length} = ${alphaEach} (mSPRT)`,
    );
  }

  const guarded = fewest >= rules.minImpressionsForGuardrails;
  const guardrail = (
    champion: number | null,
    canary: number | null,
    limit: number,
    breachedBy: (c: number) => boolean,
  ): GuardrailCheck => {
    const c = change(canary, champion);
    const judged = guarded && c !== null;
    return { champion, canary, change: c, limit, judged, breached: judged && breachedBy(c as number) };
  };
  const diversity = guardrail(
    a.diversity,
    b.diversity,
    rules.maxDiversityDrop,
    (c) => c < -rules.maxDiversityDrop,
  );
  if (diversity.breached)
    breaches.push(
      `canary intra-list diversity ${diversity.canary?.toFixed(3)} vs champion ${diversity.champion?.toFixed(3)} ` +
        `(${signed(diversity.change)}) over ${count(b.impressions)} and ${count(a.impressions)} lists: ` +
        `a drop beyond the ${pct(rules.maxDiversityDrop)} guardrail`,
    );
  const coverage = guardrail(
    a.pairedCoverage,
    b.pairedCoverage,
    rules.maxCoverageDrop,
    (c) => c < -rules.maxCoverageDrop,
  );
  if (coverage.breached)
    breaches.push(
      `canary catalogue coverage ${pct(coverage.canary ?? 0)} vs champion ${pct(coverage.champion ?? 0)} ` +
        `on ${count(b.pairedImpressions)} and ${count(a.pairedImpressions)} paired lists ` +
        `(${signed(coverage.change)}): a drop beyond the ${pct(rules.maxCoverageDrop)} guardrail`,
    );
  // Higher margins are fine when users like the lists more; the failure is margin without appeal.
  const noBetter = b.ctr <= a.ctr && b.bookingRate <= a.bookingRate;
  const margin = guardrail(
    a.meanMargin,
    b.meanMargin,
    rules.maxMarginIncrease,
    (c) => c > rules.maxMarginIncrease && noBetter,
  );
  if (margin.breached)
    breaches.push(
      `canary mean margin of recommended items ${margin.canary?.toFixed(3)} vs champion ` +
        `${margin.champion?.toFixed(3)} (${signed(margin.change)}) is beyond the +${pct(rules.maxMarginIncrease)} ` +
        `guardrail while neither CTR (${pct(b.ctr)} vs ${pct(a.ctr)}) nor booking rate ` +
        `(${pct(b.bookingRate)} vs ${pct(a.bookingRate)}) is higher`,
    );

  const stats: Record<string, unknown> = {
    elapsedMs,
    alpha: rules.alpha,
    alphaPerMetric: alphaEach,
    testable,
    ...looks,
    guardrails: { judged: guarded, diversity, coverage, margin },
    champion: a,
    canary: b,
  };
  const summary = KEY_METRICS.map((m) => {
    const look = looks[m.key];
    return `${m.label} ${pct(look.canaryRate)} vs ${pct(look.championRate)} (${signed(change(look.canaryRate, look.championRate))}, p = ${look.pValue.toPrecision(2)})`;
  }).join(", ");

  if (breaches.length > 0) {
    const [first, ...more] = breaches;
    const also = more.length > 0 ? `. Also: ${more.join("; ")}` : "";
    return { action: "rollback", reason: `Roll back: ${first}${also}.`, stats };
  }
  const days = (ms: number) => (ms / 86_400_000).toFixed(1);
  if (elapsedMs >= rules.minDurationMs && fewest >= rules.minImpressions && doubts.length === 0) {
    return {
      action: "promote",
      reason:
        `Promote: nothing degraded after ${days(elapsedMs)} days (minimum ${days(rules.minDurationMs)}) ` +
        `with ${count(b.impressions)} canary and ${count(a.impressions)} champion lists ` +
        `(minimum ${count(rules.minImpressions)} each): ${summary}.`,
      stats,
    };
  }
  const waiting: string[] = [...doubts];
  if (elapsedMs < rules.minDurationMs) waiting.push(`${days(rules.minDurationMs - elapsedMs)} more days`);
  if (fewest < rules.minImpressions)
    waiting.push(`${count(rules.minImpressions - fewest)} more lists in the smaller variant`);
  const early = testable
    ? "no degradation proven yet"
    : `too few lists to test yet (${count(fewest)} of ${count(rules.minImpressionsForTests)})`;
  return {
    action: "continue",
    reason: `Continue: ${early}; promotion waits (${waiting.join("; ")}): ${summary}.`,
    stats,
  };
}
