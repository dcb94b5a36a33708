import assert from "node:assert/strict";
import { test } from "node:test";
import { logNormalCdf, normalCdf } from "./normal-distribution.js";

test("Φ and log Φ match reference values to 2e-7 relative error, tails included", () => {
  // Reference values of the standard normal distribution function.
  const reference: [number, number][] = [
    [-10, 7.619853024160527e-24],
    [-5, 2.866515718791939e-7],
    [-1.959963984540054, 0.025],
    [-1, 0.15865525393145707],
    [0, 0.5],
    [1, 0.8413447460685429],
    [3, 0.9986501019683699],
  ];
  for (const [x, p] of reference) {
    assert.ok(Math.abs(normalCdf(x) / p - 1) < 2e-7, `Φ(${x}) = ${normalCdf(x)}, expected ${p}`);
    assert.ok(Math.abs(logNormalCdf(x) - Math.log(p)) < 2e-7, `log Φ(${x})`);
  }
  // Far below where Φ underflows, log Φ(x) ≈ −x²/2 − log(−x√(2π)).
  const x = -40;
  assert.ok(Math.abs(logNormalCdf(x) - (-(x * x) / 2 - Math.log(-x * Math.sqrt(2 * Math.PI)))) < 1e-3);
  assert.ok(Math.abs(normalCdf(0.7) + normalCdf(-0.7) - 1) < 1e-12);
});
