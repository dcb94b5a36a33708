// npm run bench:experiments — how fast the canary decision catches a bad canary, and how often
// it rolls back a canary that is no different (A/A), under continuous monitoring.
import { type DecisionRules, DecisionRulesSchema, decide } from "../src/experiments/decision.js";
import { OnlineMetrics } from "../src/experiments/online-metrics.js";
import { Random } from "../src/math/random.js";
import type { LoggedEvent } from "../src/storage/events/event-log.js";
import { type BenchRow, median, printBench } from "./report.js";

const DAY_MS = 86_400_000;
const CATEGORIES = ["a", "b", "c", "d", "e"];
const catalog = {
  marginOf: (id: string) => 0.2 + 0.01 * (Number(id.slice(1)) % 5),
  categoryOf: (id: string) => CATEGORIES[Number(id.slice(1)) % 5],
  size: 500,
};

interface Arm {
  ctr: number;
  bookingRate: number;
}

/**
 * One experiment at 10% canary traffic: impressions spread evenly over the minimum duration
 * (7 days), clicks and bookings drawn per impression, the decision checked every 200 impressions
 * (continuous monitoring). Returns the outcome and the canary impressions seen until it.
 */
function run(seed: number, champion: Arm, canary: Arm, rules: DecisionRules, impressions: number) {
  const rng = new Random(seed);
  const metrics = new OnlineMetrics({ champion: "v1", canary: "v2" }, catalog);
  const start = Date.parse("2026-01-05T00:00:00Z");
  let canaryImpressions = 0;
  let id = 0;
  const event = (fields: Partial<LoggedEvent>): LoggedEvent => ({
    eventId: `e${id++}`,
    type: "click",
    userId: "u",
    itemId: "i",
    timestamp: 0,
    receivedAt: 0,
    ...fields,
  });
  for (let n = 1; n <= impressions; n++) {
    const now = start + (n / impressions) * rules.minDurationMs * 1.001;
    const isCanary = rng.next() < 0.1;
    const arm = isCanary ? canary : champion;
    if (isCanary) canaryImpressions++;
    const rec = `r${n}`;
    const items = Array.from({ length: 10 }, () => `i${Math.floor(rng.next() * catalog.size)}`);
    const timestamp = now / 1000;
    metrics.add(
      event({
        type: "impression",
        recommendationId: rec,
        variant: isCanary ? "canary" : "champion",
        modelVersion: isCanary ? "v2" : "v1",
        items,
        timestamp,
      }),
    );
    if (rng.next() < arm.ctr) {
      metrics.add(event({ type: "click", recommendationId: rec, timestamp }));
      if (rng.next() < arm.bookingRate / arm.ctr)
        metrics.add(event({ type: "booking", recommendationId: rec, timestamp }));
    }
    if (n % 200 === 0 || n === impressions) {
      const decision = decide(metrics.snapshot(), rules, now, start);
      if (decision.action !== "continue") return { action: decision.action, canaryImpressions };
    }
  }
  return { action: "continue" as const, canaryImpressions };
}

function wilson(successes: number, n: number): [number, number] {
  const z = 1.96;
  const p = successes / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

const quick = process.argv.includes("--quick");
const rules = DecisionRulesSchema.parse({});
const impressions = 30_000;
const champion = { ctr: 0.1, bookingRate: 0.02 };
const rows: BenchRow[] = [];

const badRuns = quick ? 50 : 200;
const bad = Array.from({ length: badRuns }, (_, s) =>
  run(1000 + s, champion, { ctr: 0.07, bookingRate: 0.014 }, rules, impressions),
);
const caught = bad
  .filter((r) => r.action === "rollback")
  .map((r) => r.canaryImpressions)
  .sort((a, b) => a - b);
rows.push({
  case: "bad canary (CTR and booking rate −30%)",
  runs: badRuns,
  "rolled back": caught.length,
  "canary impressions to rollback, median": caught.length ? median(caught) : null,
  p90: caught.length ? caught[Math.floor(0.9 * (caught.length - 1))] : null,
  "false-rollback rate": null,
  "95% CI": null,
});

const aaRuns = quick ? 200 : 1000;
const aa = Array.from({ length: aaRuns }, (_, s) => run(5000 + s, champion, champion, rules, impressions));
const falseRollbacks = aa.filter((r) => r.action === "rollback").length;
const [lo, hi] = wilson(falseRollbacks, aaRuns);
rows.push({
  case: "A/A (identical arms), monitored to the minimum duration",
  runs: aaRuns,
  "rolled back": falseRollbacks,
  "canary impressions to rollback, median": null,
  p90: null,
  "false-rollback rate": falseRollbacks / aaRuns,
  "95% CI": `${lo.toFixed(4)}–${hi.toFixed(4)}`,
});
printBench("experiments", rows, {
  alpha: rules.alpha,
  relativeTolerance: rules.relativeTolerance,
  impressionsPerRun: impressions,
  canaryShare: 0.1,
  promotedAA: aa.filter((r) => r.action === "promote").length,
});
if (falseRollbacks / aaRuns > rules.alpha)
  console.log(`FAIL: the false-rollback rate exceeds α = ${rules.alpha}`);
