import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../../math/random.js";
import { ChoiceSampler } from "./choice-sampler.js";
import { utilityAt } from "./ground-truth.js";
import { buildWorld, isOpen } from "./world.js";

test("the sampler draws open restaurants exactly in proportion to exp(utility)", () => {
  const world = buildWorld({ users: 50, restaurants: 60, days: 1, seed: 5 });
  const sampler = new ChoiceSampler(world);
  const rng = new Random(9);
  for (const [u, period] of [
    [3, 1],
    [17, 2],
    [42, 0],
  ]) {
    const x = world.users.x[u];
    const y = world.users.y[u];
    const expected = new Float64Array(world.restaurants.count);
    let z = 0;
    for (let r = 0; r < expected.length; r++) {
      if (!isOpen(world, r, period)) continue;
      expected[r] = Math.exp(utilityAt(world, u, r, x, y));
      z += expected[r];
    }
    assert.ok(sampler.prepare(u, x, y, period) > 0);
    const counts = new Float64Array(expected.length);
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const r = sampler.draw(rng);
      assert.ok(r >= 0, "no draw may fail in a small city");
      counts[r]++;
    }
    for (let r = 0; r < expected.length; r++) {
      const p = expected[r] / z;
      if (p === 0) assert.equal(counts[r], 0, `closed restaurant ${r} was drawn`);
      // Within 5 standard errors of the exact probability.
      const se = Math.sqrt((p * (1 - p)) / n);
      assert.ok(
        Math.abs(counts[r] / n - p) <= 5 * se + 1e-4,
        `user ${u} restaurant ${r}: ${counts[r] / n} vs ${p}`,
      );
    }
  }
});

test("preparing a period in which nothing is open gives zero weight and no draws", () => {
  const world = buildWorld({ users: 5, restaurants: 1, days: 1, seed: 2 });
  const sampler = new ChoiceSampler(world);
  const closed = [0, 1, 2, 3].find((p) => !isOpen(world, 0, p));
  assert.ok(closed !== undefined);
  assert.equal(sampler.prepare(0, world.users.x[0], world.users.y[0], closed), 0);
  assert.equal(sampler.draw(new Random(1)), -1);
});

test("the utility reported with a draw is the ground-truth utility, bit for bit", () => {
  const world = buildWorld({ users: 30, restaurants: 500, days: 1, seed: 8 });
  const sampler = new ChoiceSampler(world);
  const rng = new Random(4);
  for (let u = 0; u < 30; u++) {
    const x = world.users.x[u];
    const y = world.users.y[u];
    sampler.prepare(u, x, y, 2);
    for (let i = 0; i < 20; i++) {
      const r = sampler.draw(rng);
      assert.equal(sampler.lastUtility, utilityAt(world, u, r, x, y));
    }
  }
});
