import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../../math/random.js";
import { MEAL_PERIODS } from "./constants.js";
import { dayOfWeek, periodAt, periodEndSecond } from "./meal-time.js";
import { drawPoisson, drawSessionSecond } from "./traffic.js";

const at = (hour: number, minute = 0) => Date.UTC(2026, 0, 5, hour, minute) / 1000;

test("every time of day falls in one meal period, late wrapping round midnight", () => {
  const name = (t: number) => MEAL_PERIODS[periodAt(t)];
  assert.equal(name(at(8)), "breakfast");
  assert.equal(name(at(12, 30)), "lunch");
  assert.equal(name(at(19)), "dinner");
  assert.equal(name(at(23)), "late");
  assert.equal(name(at(3)), "late");
  assert.equal(name(at(4, 59)), "late");
  assert.equal(name(at(5)), "breakfast");
});

test("a period's last second is just before the next period starts", () => {
  assert.equal(periodEndSecond(12 * 3600), 16 * 3600 - 1);
  assert.equal(periodEndSecond(3 * 3600), 5 * 3600 - 1);
  assert.equal(periodEndSecond(23 * 3600), 86_399);
});

test("2026-01-05 is a Monday", () => {
  assert.equal(dayOfWeek(at(0)), 0);
  assert.equal(dayOfWeek(at(23) + 6 * 86_400), 6);
});

test("sessions peak at lunch and dinner, and counts are Poisson around their mean", () => {
  const rng = new Random(1);
  const byHour = new Array<number>(24).fill(0);
  for (let i = 0; i < 50_000; i++) byHour[Math.floor(drawSessionSecond(rng, 2) / 3600)]++;
  const peak = byHour.indexOf(Math.max(...byHour));
  assert.ok([12, 13, 18, 19, 20].includes(peak), `peak at ${peak}`);
  assert.ok(byHour[12] > 5 * byHour[4] && byHour[12] > byHour[15]);
  assert.ok(byHour[19] > 5 * byHour[4] && byHour[19] > byHour[16]);
  for (const mean of [3, 50, 5000]) {
    let sum = 0;
    for (let i = 0; i < 2000; i++) sum += drawPoisson(rng, mean);
    assert.ok(Math.abs(sum / 2000 - mean) < 0.05 * mean + 0.2, `mean ${mean}: ${sum / 2000}`);
  }
});
