import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../math/random.js";
import {
  accumulateEvidence,
  confidenceSequence,
  type DegradationLook,
  degradationPValue,
  degradationTest,
  logMixtureRatio,
  logOneSidedRatio,
  type ProportionSample,
  type Tolerance,
} from "./sequential-test.js";

interface Stream {
  championRate: number;
  canaryRate: number;
  /** Impressions in all; 10% go to the canary. */
  impressions: number;
  /** Look after every this many impressions (continuous monitoring). */
  every: number;
}

/** One monitored experiment: Bernoulli outcomes per impression, `look` after every batch; stops when it returns true. */
function monitor(
  rng: Random,
  s: Stream,
  look: (a: ProportionSample, b: ProportionSample) => boolean,
): boolean {
  const a = { successes: 0, trials: 0 };
  const b = { successes: 0, trials: 0 };
  for (let n = 1; n <= s.impressions; n++) {
    const arm = rng.next() < 0.1 ? b : a;
    arm.trials++;
    if (rng.next() < (arm === b ? s.canaryRate : s.championRate)) arm.successes++;
    if (n % s.every === 0 && a.trials > 0 && b.trials > 0 && look(a, b)) return true;
  }
  return false;
}

/** The share of `runs` seeded experiments in which the test ever rejects at level α. */
function everRejects(
  seed: number,
  runs: number,
  s: Stream,
  tolerance: Tolerance,
  tau2: number,
  alpha = 0.05,
) {
  const rng = new Random(seed);
  let rejected = 0;
  for (let r = 0; r < runs; r++)
    if (monitor(rng, s, (a, b) => degradationPValue(a, b, tolerance, tau2) <= alpha)) rejected++;
  return rejected / runs;
}

/** α plus 2.5 binomial standard errors of a Monte-Carlo estimate over `runs`. */
const allowance = (alpha: number, runs: number) => alpha + 2.5 * Math.sqrt((alpha * (1 - alpha)) / runs);

test("the one-sided ratio is the half-normal mixture of likelihood ratios (numerical integral)", () => {
  for (const [z, v, tau2] of [
    [-0.02, 1e-4, 2.5e-4],
    [-0.005, 4e-5, 1e-4],
    [0.01, 1e-4, 4e-4],
  ]) {
    // ∫_{θ<θ0} φ(D; θ, V)/φ(D; θ0, V) · 2·N(θ; θ0, τ²) dθ, with θ0 = 0 and D = z.
    const tau = Math.sqrt(tau2);
    let integral = 0;
    const steps = 200_000;
    const h = (10 * tau) / steps;
    for (let i = 0; i < steps; i++) {
      const theta = -(i + 0.5) * h;
      const lr = Math.exp((z * z - (z - theta) * (z - theta)) / (2 * v));
      const prior = (2 * Math.exp(-(theta * theta) / (2 * tau2))) / (tau * Math.sqrt(2 * Math.PI));
      integral += lr * prior * h;
    }
    const closed = Math.exp(logOneSidedRatio(z, v, tau2));
    assert.ok(Math.abs(closed / integral - 1) < 1e-4, `z=${z}: closed ${closed} vs integral ${integral}`);
  }
  // With no deviation the two-sided ratio is √(V/(V+τ²)) < 1: no evidence.
  assert.ok(Math.abs(logMixtureRatio(0, 1e-4, 3e-4) - 0.5 * Math.log(0.25)) < 1e-12);
});

test("under H0 (equal rates), monitoring after every 100 impressions rejects at most α of the time", () => {
  const runs = 800;
  const ctr = everRejects(
    1,
    runs,
    { championRate: 0.1, canaryRate: 0.1, impressions: 60_000, every: 100 },
    { value: 0, relative: false },
    2.5e-4,
  );
  assert.ok(ctr <= allowance(0.05, runs), `CTR-like rates: false rejections ${ctr}`);
  const booking = everRejects(
    2,
    runs,
    { championRate: 0.02, canaryRate: 0.02, impressions: 60_000, every: 100 },
    { value: 0, relative: false },
    2.5e-5,
  );
  assert.ok(booking <= allowance(0.05, runs), `booking-like rates: false rejections ${booking}`);
});

test("on the boundary of a relative tolerance (canary exactly 5% lower) the error rate stays ≤ α", () => {
  const runs = 800;
  const rate = everRejects(
    3,
    runs,
    { championRate: 0.1, canaryRate: 0.095, impressions: 60_000, every: 100 },
    { value: 0.05, relative: true },
    2.5e-4,
  );
  assert.ok(rate <= allowance(0.05, runs), `false rejections ${rate}`);
});

test("a clearly worse canary (CTR −30%) is rejected in every run, typically within 2,000 canary impressions", () => {
  const rng = new Random(4);
  const needed: number[] = [];
  for (let r = 0; r < 100; r++) {
    let at = 0;
    const s = { championRate: 0.1, canaryRate: 0.07, impressions: 60_000, every: 50 };
    const rejected = monitor(rng, s, (a, b) => {
      at = b.trials;
      return degradationPValue(a, b, { value: 0.05, relative: true }, 2.5e-4) <= 0.025;
    });
    assert.ok(rejected, `run ${r} never rejected`);
    needed.push(at);
  }
  needed.sort((x, y) => x - y);
  assert.ok(needed[50] < 2000, `median ${needed[50]} canary impressions`);
});

test("the confidence sequence covers the true difference at every look at once in ≥ 1 − α of runs", () => {
  const rng = new Random(5);
  const runs = 400;
  let missed = 0;
  for (let r = 0; r < runs; r++) {
    let lower = -1;
    let upper = 1;
    const s = { championRate: 0.1, canaryRate: 0.08, impressions: 20_000, every: 100 };
    const miss = monitor(rng, s, (a, b) => {
      const cs = confidenceSequence(a, b, 2.5e-4, 0.05);
      lower = Math.max(lower, cs.lower);
      upper = Math.min(upper, cs.upper);
      return lower > -0.02 || upper < -0.02;
    });
    if (miss) missed++;
  }
  assert.ok(missed / runs <= allowance(0.05, runs), `missed ${missed}/${runs}`);
});

test("the always-valid p-value is the running minimum: never increasing, though single looks go both ways", () => {
  const rng = new Random(6);
  let evidence = null as ReturnType<typeof accumulateEvidence> | null;
  let previousLook = 1;
  let lookIncreased = false;
  monitor(rng, { championRate: 0.1, canaryRate: 0.095, impressions: 20_000, every: 200 }, (a, b) => {
    const look = degradationTest(a, b, {
      tolerance: { value: 0, relative: false },
      tau2: 2.5e-4,
      alpha: 0.05,
    });
    if (look.pValue > previousLook) lookIncreased = true;
    previousLook = look.pValue;
    const next = accumulateEvidence(evidence, look);
    if (evidence) {
      assert.ok(next.pValue <= evidence.pValue);
      assert.ok(next.lower >= evidence.lower && next.upper <= evidence.upper);
    }
    evidence = next;
    return false;
  });
  assert.ok(lookIncreased, "single-look p-values should fluctuate in this scenario");
  assert.equal(evidence?.looks, 100);
});

test("p-values and bounds agree with the hypothesis' direction and units", () => {
  const champion = { successes: 10_000, trials: 100_000 };
  const worse = { successes: 700, trials: 10_000 };
  const better = { successes: 1_200, trials: 10_000 };
  const options = { tolerance: { value: 0.05, relative: true }, tau2: 2.5e-4, alpha: 0.05 };
  assert.equal(degradationPValue(champion, better, options.tolerance, options.tau2), 1);
  assert.equal(degradationPValue({ successes: 0, trials: 0 }, worse, options.tolerance, options.tau2), 1);
  const look: DegradationLook = degradationTest(champion, worse, options);
  assert.ok(look.rejected && look.pValue < 1e-6);
  assert.ok(Math.abs(look.difference + 0.03) < 1e-12);
  assert.ok(look.lower < -0.03 && look.upper > -0.03 && look.upper < 0);
  // Relative: 30% observed; proven at least ~20% with always-valid confidence, and not more than 30%.
  assert.ok(look.provenDegradation !== null && look.provenDegradation > 0.15 && look.provenDegradation < 0.3);
  // Absolute: a tolerance of 3 points is not rejected when 3 points is what was observed.
  const absolute = degradationTest(champion, worse, {
    ...options,
    tolerance: { value: 0.03, relative: false },
  });
  assert.equal(absolute.rejected, false);
  assert.ok(absolute.provenDegradation !== null && absolute.provenDegradation < 0.03);
  // Rejection at a tolerance ⇔ the proven degradation exceeds it.
  for (const value of [0.1, 0.2, 0.25])
    assert.equal(
      degradationTest(champion, worse, { ...options, tolerance: { value, relative: true } }).rejected,
      (look.provenDegradation ?? 0) >= value,
    );
});
