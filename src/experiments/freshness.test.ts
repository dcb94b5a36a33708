import assert from "node:assert/strict";
import { test } from "node:test";
import { checkFreshness, FreshnessRulesSchema } from "./freshness.js";

const HOUR = 3_600_000;
const rules = FreshnessRulesSchema.parse({});
const at = (newInteractions: number, ageHours: number, snapshotInteractions = 1000) =>
  checkFreshness({ snapshotInteractions, newInteractions, registeredAt: 0, now: ageHours * HOUR }, rules);

test("defaults: 5% new interactions, or 24 h with any new data", () => {
  assert.deepEqual(rules, { minNewShare: 0.05, maxAgeMs: 24 * HOUR, minNewForAge: 1 });
});

test("stale at 5% new interactions, not at 4.9%, whatever the age", () => {
  assert.equal(at(50, 1).stale, true);
  assert.equal(at(49, 1).stale, false);
  assert.deepEqual(at(50, 1).stats, { newInteractions: 50, newShare: 0.05, ageMs: HOUR });
  assert.match(at(50, 1).reason, /50 new interactions \(5\.0% of the 1000/);
});

test("stale at 24 h with any new data; an old model with no new data stays", () => {
  assert.equal(at(1, 24).stale, true);
  assert.match(at(1, 24).reason, /24\.0 h old/);
  assert.equal(at(1, 23.9).stale, false);
  assert.equal(at(0, 1000).stale, false);
});

test("drift reported by serving makes fresh data stale, given any new data", () => {
  const input = { snapshotInteractions: 1000, newInteractions: 10, registeredAt: 0, now: HOUR };
  assert.equal(checkFreshness(input, rules).stale, false, "1% new and 1 h old is fresh");
  const drifted = checkFreshness({ ...input, drifted: ["cuisine", "price_level"] }, rules);
  assert.equal(drifted.stale, true);
  assert.match(drifted.reason, /drift on cuisine, price_level with 10 new interactions/);
  assert.equal(checkFreshness({ ...input, newInteractions: 0, drifted: ["cuisine"] }, rules).stale, false);
  assert.equal(checkFreshness({ ...input, drifted: [] }, rules).stale, false);
});

test("a model trained on nothing is stale at the first interaction", () => {
  assert.equal(at(1, 0, 0).stale, true);
  assert.equal(at(0, 0, 0).stale, false);
});

test("thresholds are configuration; unknown fields are refused", () => {
  const strict = FreshnessRulesSchema.parse({ minNewShare: 0.5, maxAgeMs: HOUR, minNewForAge: 100 });
  const check = (n: number, hours: number) =>
    checkFreshness(
      { snapshotInteractions: 1000, newInteractions: n, registeredAt: 0, now: hours * HOUR },
      strict,
    ).stale;
  assert.equal(check(499, 0), false);
  assert.equal(check(500, 0), true);
  assert.equal(check(99, 2), false);
  assert.equal(check(100, 2), true);
  assert.throws(() => FreshnessRulesSchema.parse({ minNewShar: 0.1 }));
  assert.throws(() => FreshnessRulesSchema.parse({ minNewShare: 0 }));
});
