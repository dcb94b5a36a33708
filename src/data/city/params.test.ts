import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "../../core/errors.js";
import { CITY_DEFAULTS, resolveCityParams, startSeconds } from "./params.js";

test("params get defaults in a fixed key order", () => {
  const a = resolveCityParams({ seed: 1, days: 2, restaurants: 3, users: 4 });
  const b = resolveCityParams({ users: 4, restaurants: 3, days: 2, seed: 1, qualitySpread: undefined });
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  assert.equal(a.qualitySpread, CITY_DEFAULTS.qualitySpread);
});

test("bad params are rejected naming the field", () => {
  assert.throws(() => resolveCityParams({ users: 0, restaurants: 1, days: 1, seed: 1 }), InputError);
  assert.throws(() => resolveCityParams({ users: 1, restaurants: 1.5, days: 1, seed: 1 }), /restaurants/);
  assert.throws(() => resolveCityParams({ users: 1, restaurants: 1, days: 1, seed: -1 }), /seed/);
  assert.throws(
    () => resolveCityParams({ users: 1, restaurants: 1, days: 1, seed: 1, start: "soon" }),
    /start/,
  );
});

test("the start is the UTC midnight of the given date", () => {
  assert.equal(startSeconds("2026-01-05"), Date.UTC(2026, 0, 5) / 1000);
  assert.equal(startSeconds("2026-01-05T13:45:00Z"), Date.UTC(2026, 0, 5) / 1000);
});
