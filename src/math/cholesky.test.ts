import assert from "node:assert/strict";
import { test } from "node:test";
import { choleskyFactor, choleskySolve } from "./cholesky.js";
import { Random } from "./random.js";

test("Cholesky solves a symmetric positive-definite system", () => {
  const rng = new Random(5);
  const n = 9;
  // A = BᵀB + I is symmetric positive definite.
  const b = Float64Array.from({ length: n * n }, () => rng.next() - 0.5);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? 1 : 0;
      for (let p = 0; p < n; p++) s += b[p * n + i] * b[p * n + j];
      a[i * n + j] = s;
    }
  }
  const x = Float64Array.from({ length: n }, () => rng.next());
  const rhs = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rhs[i] += a[i * n + j] * x[j];
  const l = a.slice();
  assert.equal(choleskyFactor(l, n), true);
  choleskySolve(l, n, rhs);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(rhs[i] - x[i]) < 1e-10);
});

test("Cholesky reports a matrix that is not positive definite", () => {
  assert.equal(choleskyFactor(Float64Array.of(1, 2, 2, 1), 2), false);
  assert.equal(choleskyFactor(Float64Array.of(0, 0, 0, 0), 2), false);
});
