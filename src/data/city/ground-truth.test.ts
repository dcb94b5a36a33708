import assert from "node:assert/strict";
import { test } from "node:test";
import { latOf, lonOf } from "./geo.js";
import {
  bookingProbability,
  clickProbability,
  clickProbabilityOf,
  oracleTopK,
  utility,
  utilityAt,
} from "./ground-truth.js";
import { periodAt } from "./meal-time.js";
import { buildWorld, isOpen } from "./world.js";

const world = buildWorld({ users: 40, restaurants: 300, days: 1, seed: 21 });
/** 2026-01-06 03:30 UTC, in the late period, when most restaurants are closed. */
const lateNight = Date.UTC(2026, 0, 6, 3, 30) / 1000;

test("the oracle ranks restaurants by ground-truth utility", () => {
  for (const u of [0, 7, 39]) {
    const top = oracleTopK(world, u, 10);
    const all = Array.from({ length: world.restaurants.count }, (_, r) => utility(world, u, r));
    const best = all
      .map((v, r) => [v, r] as const)
      .sort((a, b) => b[0] - a[0] || a[1] - b[1])
      .slice(0, 10);
    assert.deepEqual(
      Array.from(top.indices),
      best.map(([, r]) => r),
    );
    assert.deepEqual(
      Array.from(top.utilities),
      best.map(([v]) => v),
    );
  }
});

test("with a time, closed restaurants have utility −∞ and are left out of the oracle", () => {
  const period = periodAt(lateNight);
  const top = oracleTopK(world, 3, world.restaurants.count, { time: lateNight });
  const open = Array.from({ length: world.restaurants.count }, (_, r) => r).filter((r) =>
    isOpen(world, r, period),
  );
  assert.ok(open.length > 0 && open.length < world.restaurants.count);
  assert.deepEqual(
    [...top.indices].sort((a, b) => a - b),
    open,
  );
  const closed = Array.from({ length: world.restaurants.count }, (_, r) => r).find(
    (r) => !isOpen(world, r, period),
  );
  assert.equal(utility(world, 3, closed!, { time: lateNight }), Number.NEGATIVE_INFINITY);
  assert.equal(clickProbability(world, 3, closed!, { time: lateNight }), 0);
});

test("a context location replaces home: nearer is better, everything else equal", () => {
  const r = 5;
  const near = { lat: latOf(world.restaurants.y[r]), lon: lonOf(world.restaurants.x[r]) };
  const far = { lat: latOf(world.restaurants.y[r] + 8), lon: lonOf(world.restaurants.x[r]) };
  assert.ok(utility(world, 1, r, near) > utility(world, 1, r, far));
  assert.ok(
    Math.abs(utility(world, 1, r) - utilityAt(world, 1, r, world.users.x[1], world.users.y[1])) < 1e-12,
  );
});

test("click and booking probabilities rise with utility, bookings stay rarer than clicks", () => {
  assert.ok(clickProbabilityOf(0) < clickProbabilityOf(1) && clickProbabilityOf(1) < clickProbabilityOf(3));
  for (let r = 0; r < 50; r++) {
    const click = clickProbability(world, 2, r);
    const book = bookingProbability(world, 2, r);
    assert.ok(click > 0 && click < 1 && book < click);
  }
});
