import assert from "node:assert/strict";
import { test } from "node:test";
import { DecisionRulesSchema, decide } from "./decision.js";
import type { MetricsSnapshot, VariantMetrics } from "./online-metrics.js";

const DAY = 86_400_000;
const rules = DecisionRulesSchema.parse({});

/** A variant with `lists` impressions at the given rates and healthy guardrails. */
function variant(
  lists: number,
  ctr: number,
  bookingRate: number,
  more: Partial<VariantMetrics> = {},
): VariantMetrics {
  const clicked = Math.round(lists * ctr);
  const booked = Math.round(lists * bookingRate);
  return {
    impressions: lists,
    clickedImpressions: clicked,
    bookedImpressions: booked,
    ctr: clicked / lists,
    bookingRate: booked / lists,
    clicks: clicked,
    bookings: booked,
    clicksPerImpression: clicked / lists,
    bookingsPerImpression: booked / lists,
    diversity: 0.7,
    diversityLists: lists,
    coverage: 0.5,
    distinctItems: 500,
    pairedCoverage: 0.4,
    pairedImpressions: Math.min(lists, 3000),
    meanMargin: 0.2,
    marginItems: 10 * lists,
    sessions: lists,
    eventsPerSession: 1,
    minutesPerSession: 2,
    ...more,
  };
}

function snapshot(champion: VariantMetrics, canary: VariantMetrics): MetricsSnapshot {
  return {
    champion,
    canary,
    eventTime: 0,
    unattributed: 0,
    ignoredImpressions: 0,
    duplicateImpressions: 0,
    openLists: 0,
    openSessions: 0,
    droppedLists: 0,
    droppedSessions: 0,
  };
}

test("the rules have defaults, take partial overrides and reject unknown fields", () => {
  assert.equal(rules.alpha, 0.05);
  assert.equal(rules.minDurationMs, 7 * DAY);
  assert.deepEqual(rules.ctr, { tolerance: 0.05, relative: true, tau2: 2.5e-4 });
  const custom = DecisionRulesSchema.parse({ bookingRate: { tolerance: 0.002, relative: false } });
  assert.deepEqual(custom.bookingRate, { tolerance: 0.002, relative: false, tau2: 2.5e-5 });
  assert.deepEqual(custom.ctr, rules.ctr);
  assert.throws(() => DecisionRulesSchema.parse({ alfa: 0.1 }));
  assert.throws(() => DecisionRulesSchema.parse({ ctr: { tolerence: 0.1 } }));
});

test("a canary with a clearly lower CTR is rolled back, with the numbers in the reason", () => {
  const s = snapshot(variant(27_000, 0.1, 0.02), variant(3000, 0.07, 0.02));
  const d = decide(s, rules, DAY, 0);
  assert.equal(d.action, "rollback");
  assert.match(
    d.reason,
    /^Roll back: canary CTR 7\.00% vs champion 10\.00% \(−30\.0%\) over 3,000 and 27,000 lists/,
  );
  assert.match(d.reason, /always-valid p = [0-9.e-]+ ≤ α\/2 = 0\.025 \(mSPRT\)/);
  const ctr = d.stats["ctr"] as { pValue: number; upper: number; provenDegradation: number };
  assert.ok(ctr.pValue <= 0.025 && ctr.upper < 0 && ctr.provenDegradation > 0.05);
  // The stats go into the registry's history as JSON: every number finite.
  assert.deepEqual(JSON.parse(JSON.stringify(d.stats)), d.stats);
});

test("a lower booking rate is rolled back too; absolute tolerances work in rate points", () => {
  const s = snapshot(variant(45_000, 0.1, 0.03), variant(5000, 0.1, 0.015));
  const d = decide(s, rules, DAY, 0);
  assert.equal(d.action, "rollback");
  assert.match(d.reason, /booking rate 1\.50% vs champion 3\.00%/);
  const lenient = DecisionRulesSchema.parse({ bookingRate: { tolerance: 0.02, relative: false } });
  assert.equal(decide(s, lenient, DAY, 0).action, "continue");
});

test("nothing is tested before each variant has the minimum lists", () => {
  const s = snapshot(variant(2700, 0.1, 0.02), variant(299, 0.01, 0));
  const d = decide(s, rules, DAY, 0);
  assert.equal(d.action, "continue");
  assert.match(d.reason, /too few lists to test yet \(299 of 300\)/);
});

test("a canary worse only within the tolerance is not rolled back", () => {
  const s = snapshot(variant(900_000, 0.1, 0.02), variant(100_000, 0.097, 0.0196));
  assert.equal(decide(s, rules, DAY, 0).action, "continue");
});

test("guardrails: diversity and paired coverage drops roll back once both variants have enough lists", () => {
  const champion = variant(9000, 0.1, 0.02);
  const narrow = decide(snapshot(champion, variant(1000, 0.1, 0.02, { diversity: 0.4 })), rules, DAY, 0);
  assert.equal(narrow.action, "rollback");
  assert.match(
    narrow.reason,
    /intra-list diversity 0\.400 vs champion 0\.700 \(−42\.9%\).*25\.00% guardrail/,
  );
  const few = decide(snapshot(champion, variant(1000, 0.1, 0.02, { pairedCoverage: 0.2 })), rules, DAY, 0);
  assert.equal(few.action, "rollback");
  assert.match(few.reason, /catalogue coverage 20\.00% vs champion 40\.00%/);
  // Below the guardrails' minimum sample the same numbers are not judged.
  const early = decide(snapshot(champion, variant(400, 0.1, 0.02, { diversity: 0.4 })), rules, DAY, 0);
  assert.equal(early.action, "continue");
  assert.equal((early.stats["guardrails"] as { judged: boolean }).judged, false);
});

test("margin skew rolls back only when neither CTR nor booking rate is higher", () => {
  const champion = variant(9000, 0.1, 0.02);
  const pushy = decide(snapshot(champion, variant(1000, 0.098, 0.02, { meanMargin: 0.3 })), rules, DAY, 0);
  assert.equal(pushy.action, "rollback");
  assert.match(pushy.reason, /mean margin of recommended items 0\.300 vs champion 0\.200 \(\+50\.0%\)/);
  const liked = decide(snapshot(champion, variant(1000, 0.11, 0.02, { meanMargin: 0.3 })), rules, DAY, 0);
  assert.equal(liked.action, "continue");
});

test("several breaches are all in the reason", () => {
  const s = snapshot(
    variant(27_000, 0.1, 0.02),
    variant(3000, 0.07, 0.02, { diversity: 0.3, meanMargin: 0.4 }),
  );
  const d = decide(s, rules, DAY, 0);
  assert.match(d.reason, /CTR.*Also: .*diversity.*; .*margin/);
});

test("promotion waits for the minimum duration and the minimum sample", () => {
  const s = snapshot(variant(27_000, 0.1, 0.02), variant(3000, 0.1, 0.02));
  const early = decide(s, rules, 6 * DAY, 0);
  assert.equal(early.action, "continue");
  assert.match(early.reason, /promotion waits \(1\.0 more days\)/);
  const small = decide(snapshot(variant(18_000, 0.1, 0.02), variant(1500, 0.1, 0.02)), rules, 8 * DAY, 0);
  assert.equal(small.action, "continue");
  assert.match(small.reason, /500 more lists in the smaller variant/);
  const done = decide(s, rules, 7 * DAY, 0);
  assert.equal(done.action, "promote");
  assert.match(
    done.reason,
    /^Promote: nothing degraded after 7\.0 days .* 3,000 canary and 27,000 champion lists/,
  );
});

test("decide is pure: same answer for the same input, input untouched", () => {
  const s = snapshot(variant(27_000, 0.1, 0.02), variant(3000, 0.09, 0.02));
  const copy = structuredClone(s);
  const first = decide(s, rules, 3 * DAY, 0);
  assert.deepEqual(decide(s, rules, 3 * DAY, 0), first);
  assert.deepEqual(s, copy);
});

test("a canary likely worse than the tolerance, though not proven, is held instead of promoted", () => {
  // 2,000 canary lists at CTR 8% vs 10%: z = −2.2 against the 5% tolerance, always-valid p = 0.18.
  const held = decide(snapshot(variant(18_000, 0.1, 0.02), variant(2000, 0.08, 0.02)), rules, 8 * DAY, 0);
  assert.equal(held.action, "continue");
  assert.match(
    held.reason,
    /promotion waits \(CTR looks −20\.0% off, worse than the 5\.00% relative tolerance by z = -2\.18, though not proven\)/,
  );
  // Within the noise (−8%, z = −0.45) it is promoted.
  assert.equal(
    decide(snapshot(variant(18_000, 0.1, 0.02), variant(2000, 0.092, 0.02)), rules, 8 * DAY, 0).action,
    "promote",
  );
});
