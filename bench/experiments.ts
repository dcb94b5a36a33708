// `npm run bench:experiments`: how many canary impressions the decision needs to roll back a bad
// canary, and how often it rolls back a canary that is no worse (A/A, and a canary exactly at the
// tolerance), monitored continuously for the minimum duration. Bernoulli clicks and bookings per
// list at 10% canary traffic, through the real aggregator (`OnlineMetrics`) and `decide`.
// Flags: --quick (fewer runs), --runs-bad N, --runs-aa N, --every N (impressions between looks).
import type { CatalogFacts } from "../src/experiments/catalog-facts.js";
import {
  type Decision,
  type DecisionRules,
  DecisionRulesSchema,
  decide,
} from "../src/experiments/decision.js";
import { OnlineMetrics } from "../src/experiments/online-metrics.js";
import { Random } from "../src/math/random.js";
import type { LoggedEvent } from "../src/storage/events/event-log.js";
import { type BenchRow, median, printBench } from "./report.js";

const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const quick = process.argv.includes("--quick");
const RUNS_BAD = flag("runs-bad", quick ? 50 : 200);
const RUNS_AA = flag("runs-aa", quick ? 200 : 1000);
const EVERY = flag("every", 100);
const CANARY_SHARE = 0.1;
/** Lists served per minimum duration (7 days): 3,000 of them to the canary. */
const IMPRESSIONS = 30_000;
/** A bad canary the test has not caught by then keeps running (unpromoted) for up to 4 weeks. */
const MAX_IMPRESSIONS = 4 * IMPRESSIONS;
const LIST_LENGTH = 10;

// A catalogue of 1,000 items in 8 categories, margins spread over [0.1, 0.4).
const CATALOGUE = 1000;
const marginRng = new Random(7);
const ITEM_IDS = Array.from({ length: CATALOGUE }, (_, i) => `i${i}`);
const MARGIN = new Map(ITEM_IDS.map((id) => [id, 0.1 + 0.3 * marginRng.next()]));
const CATEGORY = new Map(ITEM_IDS.map((id, i) => [id, `c${i % 8}`]));
const HIGH_MARGIN = ITEM_IDS.filter((id) => (MARGIN.get(id) ?? 0) >= 0.28);
const catalog: CatalogFacts = {
  marginOf: (id) => MARGIN.get(id),
  categoryOf: (id) => CATEGORY.get(id),
  size: CATALOGUE,
};

/** How an arm behaves: per-list click and booking probabilities, and which items it shows. */
interface ArmModel {
  ctr: number;
  bookingRate: number;
  /** Recommends only high-margin items (the "margin-heavy" failure). */
  marginHeavy?: boolean;
}

interface Scenario {
  name: string;
  canary: ArmModel;
  runs: number;
  seed: number;
  /** The canary is no worse beyond the tolerance: every rollback is a false one. */
  null: boolean;
}

const CHAMPION: ArmModel = { ctr: 0.1, bookingRate: 0.02 };

/** One experiment, monitored every EVERY lists until a decision or the minimum duration. */
function run(seed: number, canary: ArmModel, rules: DecisionRules, lists: number) {
  const rng = new Random(seed);
  const metrics = new OnlineMetrics({ champion: "v1", canary: "v2" }, catalog);
  const start = Date.parse("2026-01-05T00:00:00Z");
  let canaryLists = 0;
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
  for (let n = 1; n <= lists; n++) {
    // Evenly spread so that the last look lands exactly on the minimum duration.
    const now = start + (n / IMPRESSIONS) * rules.minDurationMs;
    const isCanary = rng.next() < CANARY_SHARE;
    const arm = isCanary ? canary : CHAMPION;
    if (isCanary) canaryLists++;
    const pool = arm.marginHeavy ? HIGH_MARGIN : ITEM_IDS;
    const items: string[] = [];
    for (let k = 0; k < LIST_LENGTH; k++) items.push(pool[rng.int(pool.length)]);
    const rec = `r${n}`;
    const timestamp = now / 1000;
    const variant = isCanary ? "canary" : "champion";
    const modelVersion = isCanary ? "v2" : "v1";
    metrics.add(
      event({ type: "impression", recommendationId: rec, variant, modelVersion, items, timestamp }),
    );
    // Bookings come from clicked lists: P(booking | click) = bookingRate / ctr.
    if (rng.next() < arm.ctr) {
      metrics.add(event({ type: "click", recommendationId: rec, timestamp }));
      if (rng.next() < arm.bookingRate / arm.ctr)
        metrics.add(event({ type: "booking", recommendationId: rec, timestamp }));
    }
    if (n % EVERY === 0 || n === lists) {
      const decision = decide(metrics.snapshot(), rules, now, start);
      if (decision.action !== "continue")
        return { action: decision.action, fired: fired(decision), canaryLists };
    }
  }
  return { action: "continue" as const, fired: [], canaryLists };
}

/** The rules behind a rollback, read from the decision's statistics. */
function fired(decision: Decision): string[] {
  if (decision.action !== "rollback") return [];
  const stats = decision.stats as Record<string, { rejected?: boolean; breached?: boolean }> & {
    testable: boolean;
    guardrails: Record<string, { breached?: boolean }>;
  };
  const out = ["ctr", "bookingRate"].filter((key) => stats.testable && stats[key].rejected);
  return [...out, ...["diversity", "coverage", "margin"].filter((key) => stats.guardrails[key].breached)];
}

/** The Wilson score interval of a binomial proportion (95%). */
function wilson(successes: number, n: number): [number, number] {
  const z = 1.959963984540054;
  const p = successes / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

const rules = DecisionRulesSchema.parse({});
const tolerance = rules.ctr.tolerance;
const scenarios: Scenario[] = [
  {
    name: "bad: CTR and booking −30%",
    canary: { ctr: 0.07, bookingRate: 0.014 },
    runs: RUNS_BAD,
    seed: 1e6,
    null: false,
  },
  {
    name: "bad: CTR −30%, margin-heavy",
    canary: { ctr: 0.07, bookingRate: 0.014, marginHeavy: true },
    runs: RUNS_BAD,
    seed: 2e6,
    null: false,
  },
  { name: "A/A (identical arms)", canary: CHAMPION, runs: RUNS_AA, seed: 3e6, null: true },
  {
    name: `at the tolerance (−${100 * tolerance}%)`,
    canary: { ctr: CHAMPION.ctr * (1 - tolerance), bookingRate: CHAMPION.bookingRate * (1 - tolerance) },
    runs: RUNS_AA,
    seed: 4e6,
    null: true,
  },
];

const rows: BenchRow[] = [];
const started = Date.now();
let failed = false;
for (const s of scenarios) {
  const t0 = Date.now();
  // A/A and at-the-tolerance runs stop at the minimum duration; bad canaries run until caught.
  const lists = s.null ? IMPRESSIONS : MAX_IMPRESSIONS;
  const outcomes = Array.from({ length: s.runs }, (_, r) => run(s.seed + r, s.canary, rules, lists));
  const rolledBack = outcomes.filter((o) => o.action === "rollback");
  const needed = rolledBack.map((o) => o.canaryLists).sort((x, y) => x - y);
  const byRule: Record<string, number> = {};
  for (const o of rolledBack) for (const rule of o.fired) byRule[rule] = (byRule[rule] ?? 0) + 1;
  const [lo, hi] = wilson(rolledBack.length, s.runs);
  const rate = rolledBack.length / s.runs;
  if (s.null && rate > rules.alpha) failed = true;
  rows.push({
    scenario: s.name,
    runs: s.runs,
    "rolled back": rolledBack.length,
    promoted: outcomes.filter((o) => o.action === "promote").length,
    "canary lists to rollback p50": s.null || needed.length === 0 ? null : median(needed),
    p90: s.null || needed.length === 0 ? null : needed[Math.ceil(0.9 * needed.length) - 1],
    "rules fired": Object.entries(byRule)
      .map(([rule, n]) => `${rule} ${n}`)
      .join(", "),
    "false-rollback rate": s.null ? rate : null,
    "95% CI (Wilson)": s.null ? `${lo.toFixed(4)}–${hi.toFixed(4)}` : null,
    seconds: Math.round((Date.now() - t0) / 100) / 10,
  });
}
printBench("experiments (10% canary, 30,000 lists over 7 days, decision every 100 lists)", rows, {
  alpha: rules.alpha,
  rules,
  canaryShare: CANARY_SHARE,
  impressionsPerRun: IMPRESSIONS,
  lookEvery: EVERY,
  champion: CHAMPION,
  seconds: Math.round((Date.now() - started) / 1000),
});
if (failed) {
  console.log(`FAIL: a false-rollback rate exceeds α = ${rules.alpha}`);
  process.exitCode = 1;
} else {
  console.log(`OK: every false-rollback rate is ≤ α = ${rules.alpha}`);
}
