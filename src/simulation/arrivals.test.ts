import assert from "node:assert/strict";
import { test } from "node:test";
import { buildWorld } from "../data/city/world.js";
import { ArrivalSchedule } from "./arrivals.js";

const world = buildWorld({ users: 2000, restaurants: 50, days: 1, seed: 2 });
const MONDAY = Date.parse("2026-03-02T00:00:00Z");

function week(seed: number, users = 2000) {
  const schedule = new ArrivalSchedule(world, { users, seed, startMs: MONDAY });
  const out = [];
  for (let a = schedule.next(); a.atMs < MONDAY + 7 * 86_400_000; a = schedule.next()) out.push(a);
  return out;
}

test("arrivals follow the city's volume and meal-time peaks, deterministically for a seed", () => {
  const arrivals = week(1);
  // 2,000 users × 0.175 sessions a day × 7 days ≈ 2,450 (Poisson: ± 50 for one s.d.).
  assert.ok(Math.abs(arrivals.length - 2450) < 250, `${arrivals.length} sessions in a week`);
  const byHour = new Float64Array(24);
  for (const a of arrivals) byHour[new Date(a.atMs).getUTCHours()]++;
  const dinner = byHour[18] + byHour[19] + byHour[20];
  const night = byHour[3] + byHour[4] + byHour[5];
  assert.ok(dinner > 8 * night, `dinner ${dinner}, small hours ${night}`);
  assert.ok(byHour[12] > 3 * byHour[15], `lunch ${byHour[12]}, afternoon ${byHour[15]}`);
  assert.ok(arrivals.every((a, i) => i === 0 || a.atMs >= arrivals[i - 1].atMs));
  assert.deepEqual(week(1).slice(0, 50), arrivals.slice(0, 50));
  assert.notDeepEqual(week(2).slice(0, 50), arrivals.slice(0, 50));
});

test("active users come more often; only the first `users` come at all", () => {
  const arrivals = week(3, 500);
  assert.ok(arrivals.every((a) => a.user < 500));
  const visits = new Float64Array(500);
  for (const a of arrivals) visits[a.user]++;
  const order = Array.from({ length: 500 }, (_, u) => u).sort(
    (a, b) => world.users.activity[b] - world.users.activity[a],
  );
  const busiest = order.slice(0, 50).reduce((s, u) => s + visits[u], 0);
  const quietest = order.slice(-50).reduce((s, u) => s + visits[u], 0);
  assert.ok(busiest > 5 * quietest, `busiest tenth ${busiest}, quietest tenth ${quietest}`);
});
