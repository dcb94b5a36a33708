import assert from "node:assert/strict";
import { test } from "node:test";
import { assignmentBucket, hash32, variantOf } from "./assignment.js";

test("the hash is fixed: these values must never change, or running experiments reshuffle", () => {
  assert.equal(hash32(""), 0xab3e7c0b);
  assert.equal(hash32("exp-1:u42"), hash32("exp-1:u42"));
  assert.deepEqual(
    ["exp-1:u1", "exp-1:u2", "canary-2026-03:user-000123"].map(hash32),
    [0x7e49023b, 0x33f02bdc, 0x53794c87],
  );
});

test("assignment is sticky and the canary share matches the percentage within binomial error", () => {
  const n = 100_000;
  for (const percent of [1, 2.5, 10, 50]) {
    let canary = 0;
    for (let u = 0; u < n; u++) if (variantOf(`u${u}`, "exp-1", percent) === "canary") canary++;
    const p = percent / 100;
    // Four standard deviations of a binomial(100k, p) share: deterministic ids, never flaky.
    assert.ok(
      Math.abs(canary / n - p) < 4 * Math.sqrt((p * (1 - p)) / n),
      `${percent}%: share ${canary / n}`,
    );
  }
  assert.equal(variantOf("u42", "exp-1", 10), variantOf("u42", "exp-1", 10));
  assert.equal(variantOf("u42", "exp-1", 0), "champion");
  assert.equal(variantOf("u42", "exp-1", 100), "canary");
});

test("raising the percentage keeps every canary user in the canary", () => {
  for (let u = 0; u < 10_000; u++)
    if (variantOf(`u${u}`, "exp-1", 5) === "canary") assert.equal(variantOf(`u${u}`, "exp-1", 20), "canary");
});

test("different experiment ids reshuffle users independently (χ² test of the 2×2 table)", () => {
  const n = 50_000;
  const table = [
    [0, 0],
    [0, 0],
  ];
  for (let u = 0; u < n; u++) {
    const a = variantOf(`u${u}`, "exp-1", 20) === "canary" ? 1 : 0;
    const b = variantOf(`u${u}`, "exp-2", 20) === "canary" ? 1 : 0;
    table[a][b]++;
  }
  let chi2 = 0;
  for (const a of [0, 1])
    for (const b of [0, 1]) {
      const expected = ((table[a][0] + table[a][1]) * (table[0][b] + table[1][b])) / n;
      chi2 += (table[a][b] - expected) ** 2 / expected;
    }
  // χ²(1) exceeds 10.83 with probability 0.001.
  assert.ok(chi2 < 10.83, `χ² = ${chi2.toFixed(2)}, table ${JSON.stringify(table)}`);
  // Buckets are uniform too: ten deciles within 4 standard deviations.
  const deciles = new Array(10).fill(0);
  for (let u = 0; u < n; u++) deciles[Math.floor(assignmentBucket(`u${u}`, "exp-3") / 1000)]++;
  for (const d of deciles)
    assert.ok(Math.abs(d - n / 10) < 4 * Math.sqrt(n * 0.1 * 0.9), `deciles ${deciles}`);
});
