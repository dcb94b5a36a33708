import assert from "node:assert/strict";
import { test } from "node:test";
import { variantOf } from "./assignment.js";

test("assignment is sticky and matches the canary share within binomial error", () => {
  const n = 100_000;
  let canary = 0;
  for (let u = 0; u < n; u++) if (variantOf(`u${u}`, "exp-1", 10) === "canary") canary++;
  // 10% ± 4 standard deviations of a binomial(100k, 0.1) share.
  assert.ok(Math.abs(canary / n - 0.1) < 4 * Math.sqrt((0.1 * 0.9) / n), `canary share ${canary / n}`);
  assert.equal(variantOf("u42", "exp-1", 10), variantOf("u42", "exp-1", 10));
  assert.equal(variantOf("u42", "exp-1", 0), "champion");
  assert.equal(variantOf("u42", "exp-1", 100), "canary");
});

test("a new experiment id reshuffles the canary users independently", () => {
  let both = 0;
  let first = 0;
  for (let u = 0; u < 50_000; u++) {
    const a = variantOf(`u${u}`, "exp-1", 20) === "canary";
    const b = variantOf(`u${u}`, "exp-2", 20) === "canary";
    if (a) first++;
    if (a && b) both++;
  }
  // Independent arms overlap in ≈ 20% of the first arm's users.
  assert.ok(Math.abs(both / first - 0.2) < 0.03, `overlap ${both / first}`);
});
