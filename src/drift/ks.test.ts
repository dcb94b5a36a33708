import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../math/random.js";
import { kolmogorovSurvival, ksCriticalCoefficient, ksStatistic, ksTest } from "./ks.js";

const close = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test("KS statistic of disjoint samples is 1, of half-overlapping samples 0.5", () => {
  assert.equal(ksStatistic([1, 2, 3, 4], [5, 6, 7, 8]), 1);
  assert.equal(ksStatistic([1, 2, 3, 4], [3, 4, 5, 6]), 0.5);
  assert.equal(ksStatistic([1, 2, 3], [1, 2, 3]), 0);
});

test("KS statistic handles ties across the samples", () => {
  // ECDFs: a jumps to 2/3 at 1; b to 1/3 at 1 then 1 at 2: D = |2/3 − 1/3| = 1/3.
  close(ksStatistic([1, 1, 2], [1, 2, 2]), 1 / 3, 1e-12);
});

test("the Kolmogorov distribution matches its tabulated quantiles", () => {
  // Standard table: P(K > 1.2238) = 0.10, P(K > 1.3581) = 0.05, P(K > 1.6276) = 0.01.
  close(kolmogorovSurvival(1.2238), 0.1, 2e-4);
  close(kolmogorovSurvival(1.3581), 0.05, 2e-4);
  close(kolmogorovSurvival(1.6276), 0.01, 1e-4);
  // P(K ≤ 0.5) = 0.036055 (theta-series side).
  close(kolmogorovSurvival(0.5), 1 - 0.036055, 1e-5);
  assert.equal(kolmogorovSurvival(0), 1);
});

test("the two series of the Kolmogorov distribution agree where they meet", () => {
  close(kolmogorovSurvival(1.18 - 1e-9), kolmogorovSurvival(1.18 + 1e-9), 1e-8);
});

test("critical coefficients are the textbook c(α)", () => {
  close(ksCriticalCoefficient(0.05), 1.3581, 1e-4);
  close(ksCriticalCoefficient(0.01), 1.6276, 1e-4);
});

test("KS test: same distribution is not rejected, a shifted one is (seeded samples)", () => {
  const rng = new Random(11);
  const draw = (shift: number) => Float64Array.from({ length: 2000 }, () => rng.normal() + shift).sort();
  const base = draw(0);
  const same = ksTest(base, draw(0), 0.01);
  assert.ok(same.pValue > 0.01, `p ${same.pValue}`);
  assert.ok(same.statistic < same.criticalValue);
  const shifted = ksTest(base, draw(0.3), 0.01);
  assert.ok(shifted.pValue < 1e-6, `p ${shifted.pValue}`);
  assert.ok(shifted.statistic > shifted.criticalValue);
  // Normal(0,1) vs Normal(0.3,1): D → Φ(0.15) − Φ(−0.15) ≈ 0.119.
  close(shifted.statistic, 0.119, 0.03);
  close(same.criticalValue, 1.6276 / Math.sqrt(1000), 1e-5);
});
