import assert from "node:assert/strict";
import { test } from "node:test";
import { GateRulesSchema, judgeGate } from "./offline-gate.js";

const rules = GateRulesSchema.parse({});
const champion = { ndcg: 0.2, coverage: 0.5 };

test("passes when nDCG@10 and coverage hold within the tolerances (10% each by default)", () => {
  const v = judgeGate(champion, { ndcg: 0.181, coverage: 0.451 }, 100, rules);
  assert.equal(v.pass, true, v.reason);
  assert.equal(v.stats.candidateNdcg, 0.181);
  assert.equal(v.stats.championCoverage, 0.5);
  assert.match(v.reason, /^gate passed: nDCG@10 0\.1810 vs 0\.2000, coverage 0\.4510 vs 0\.5000 on 100/);
});

test("fails when nDCG@10 drops by more than the tolerance", () => {
  const v = judgeGate(champion, { ndcg: 0.1799, coverage: 0.6 }, 100, rules);
  assert.equal(v.pass, false);
  assert.match(v.reason, /nDCG@10 below 0\.1800/);
});

test("fails when coverage drops by more than the tolerance", () => {
  const v = judgeGate(champion, { ndcg: 0.3, coverage: 0.449 }, 100, rules);
  assert.equal(v.pass, false);
  assert.match(v.reason, /coverage below 0\.4500/);
});

test("a required gain makes an equal candidate fail", () => {
  const demanding = GateRulesSchema.parse({ minNdcgGain: 0.1 });
  assert.equal(judgeGate(champion, { ndcg: 0.2, coverage: 0.5 }, 100, demanding).pass, false);
  assert.equal(judgeGate(champion, { ndcg: 0.221, coverage: 0.5 }, 100, demanding).pass, true);
});

test("too few held-out users, or a metric that is not a number, cannot pass", () => {
  assert.match(judgeGate(champion, champion, 49, rules).reason, /49 held-out users < 50/);
  assert.equal(judgeGate(champion, { ndcg: Number.NaN, coverage: 1 }, 100, rules).pass, false);
});
