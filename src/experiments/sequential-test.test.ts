import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../math/random.js";
import { worseBeyondTolerance } from "./sequential-test.js";

/** Runs one continuously monitored experiment; true when it ever rejected. */
function everRejects(rng: Random, rateA: number, rateB: number, steps: number, alpha: number): boolean {
  const a = { successes: 0, trials: 0 };
  const b = { successes: 0, trials: 0 };
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < 90; i++) {
      a.trials++;
      if (rng.next() < rateA) a.successes++;
    }
    for (let i = 0; i < 10; i++) {
      b.trials++;
      if (rng.next() < rateB) b.successes++;
    }
    if (worseBeyondTolerance(a, b, 0, 1e-4).p <= alpha) return true;
  }
  return false;
}

test("under H0, peeking after every batch rejects at most α of the time (mSPRT is always valid)", () => {
  const rng = new Random(3);
  const runs = 300;
  let rejected = 0;
  for (let r = 0; r < runs; r++) if (everRejects(rng, 0.1, 0.1, 100, 0.05)) rejected++;
  // α = 0.05 plus three binomial standard deviations of Monte-Carlo error.
  assert.ok(
    rejected / runs <= 0.05 + 3 * Math.sqrt((0.05 * 0.95) / runs),
    `false rejections ${rejected}/${runs}`,
  );
});

test("a clearly worse canary is rejected", () => {
  const rng = new Random(4);
  let rejected = 0;
  for (let r = 0; r < 50; r++) if (everRejects(rng, 0.1, 0.05, 200, 0.05)) rejected++;
  assert.ok(rejected >= 45, `only ${rejected}/50 detected`);
});
