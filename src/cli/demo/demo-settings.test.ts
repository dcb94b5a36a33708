import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "../../core/errors.js";
import { DEMO_SPEED, demoFlags, nextHourOfDay, sessionsPerUserDay } from "./demo-settings.js";

const FLAGS = {
  dir: ".palate/demo",
  port: 8080,
  serve: true,
  traffic: true,
  retrain: true,
  rate: 40,
  users: 5000,
  restaurants: 500,
};

test("the traffic is scaled so the city's mean demand is twice the rate", () => {
  const perUserDay = sessionsPerUserDay(40, 5000);
  const sessionsPerRealSecond = (perUserDay * 5000 * DEMO_SPEED) / 86_400;
  assert.ok(Math.abs(sessionsPerRealSecond - 80) < 1e-9, String(sessionsPerRealSecond));
});

test("simulated time starts at the next given hour of day, UTC", () => {
  const midnight = Date.parse("2026-02-02T00:00:00Z");
  assert.equal(nextHourOfDay(midnight, 11), Date.parse("2026-02-02T11:00:00Z"));
  assert.equal(nextHourOfDay(Date.parse("2026-02-02T11:00:00Z"), 11), Date.parse("2026-02-02T11:00:00Z"));
  assert.equal(nextHourOfDay(Date.parse("2026-02-02T11:00:01Z"), 11), Date.parse("2026-02-03T11:00:00Z"));
});

test("demo flags are validated and a bad one is named", () => {
  assert.deepEqual(demoFlags(FLAGS), FLAGS);
  assert.throws(
    () => demoFlags({ ...FLAGS, dir: "" }),
    (error: Error) => error instanceof InputError && /^--dir: --dir must not be empty/.test(error.message),
  );
  assert.throws(() => demoFlags({ ...FLAGS, extra: 1 }), InputError);
});
