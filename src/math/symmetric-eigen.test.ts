import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "./random.js";
import { symmetricEigen } from "./symmetric-eigen.js";

test("symmetricEigen finds the known eigenpairs of a 2 × 2 matrix", () => {
  // [[2, 1], [1, 2]] has eigenvalues 3 (along (1, 1)) and 1 (along (1, −1)).
  const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
  assert.ok(Math.abs(values[0] - 3) < 1e-12 && Math.abs(values[1] - 1) < 1e-12, `values ${values}`);
  assert.ok(Math.abs(Math.abs(vectors[0]) - Math.SQRT1_2) < 1e-12);
  assert.ok(Math.abs(vectors[0] - vectors[2]) < 1e-12, "first eigenvector is along (1, 1)");
  assert.ok(Math.abs(vectors[1] + vectors[3]) < 1e-12, "second eigenvector is along (1, −1)");
});

test("symmetricEigen reconstructs a random symmetric matrix with orthonormal vectors, values descending", () => {
  const n = 23;
  const random = new Random(3);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = random.normal();
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  const { values, vectors } = symmetricEigen(a, n);
  for (let k = 1; k < n; k++) assert.ok(values[k] <= values[k - 1], "descending");
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let reconstructed = 0;
      let gram = 0;
      for (let k = 0; k < n; k++) {
        reconstructed += vectors[i * n + k] * values[k] * vectors[j * n + k];
        gram += vectors[k * n + i] * vectors[k * n + j];
      }
      assert.ok(Math.abs(reconstructed - a[i * n + j]) < 1e-9, `A[${i}][${j}]`);
      assert.ok(Math.abs(gram - (i === j ? 1 : 0)) < 1e-9, `VᵀV[${i}][${j}]`);
    }
  }
});

test("symmetricEigen rejects a matrix of the wrong size", () => {
  assert.throws(() => symmetricEigen(new Float64Array(5), 2), /expected 2²/);
});
