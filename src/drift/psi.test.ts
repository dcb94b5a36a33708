import assert from "node:assert/strict";
import { test } from "node:test";
import { populationStabilityIndex, proportions } from "./psi.js";

test("psi of identical distributions is 0, whatever the sample sizes", () => {
  assert.equal(populationStabilityIndex([10, 30, 60], [100, 300, 600]), 0);
});

test("psi of a 50/50 baseline against 25/75 is 0.25·ln 2 + 0.25·ln 1.5", () => {
  const expected = 0.25 * Math.log(2) + 0.25 * Math.log(1.5);
  assert.ok(Math.abs(populationStabilityIndex([50, 50], [25, 75]) - expected) < 1e-12);
  assert.ok(Math.abs(expected - 0.274653) < 1e-6);
});

test("psi is finite when a bin is empty on one side, and large", () => {
  const psi = populationStabilityIndex([100, 0], [50, 50], 1e-4);
  assert.ok(Number.isFinite(psi));
  assert.ok(psi > 2);
});

test("psi refuses bins that do not line up", () => {
  assert.throws(() => populationStabilityIndex([1, 2], [1, 2, 3]), /2 baseline bins but 3 live bins/);
});

test("proportions of all-zero counts are zeros, not NaN", () => {
  assert.deepEqual(proportions([0, 0]), [0, 0]);
});
