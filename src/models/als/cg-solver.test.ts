import assert from "node:assert/strict";
import { test } from "node:test";
import { accumulateGramTiles, gramTileRows, mirrorUpper } from "../../math/dense.js";
import { Random } from "../../math/random.js";
import { createCgScratch, type RowSystems, solveRowRange } from "./cg-solver.js";
import { foldInExact } from "./fold-in.js";
import { powerLawMatrix } from "./testing/power-law-matrix.js";

const k = 6;
const alpha = 2;
const regularization = 0.5;
const m = powerLawMatrix({ users: 100, items: 40, nnz: 600, seed: 7 });
const rng = new Random(9);
const other = Float32Array.from({ length: m.nCols * k }, () => rng.next() - 0.5);
const gram = new Float64Array(k * k);
accumulateGramTiles(other, m.nCols, k, 0, gramTileRows(k), gram);
mirrorUpper(gram, k);
const gramReg = gram.slice();
for (let a = 0; a < k; a++) gramReg[a * k + a] += regularization;

function systems(target: Float32Array, cgSteps: number, confidenceBase = 1): RowSystems {
  const { indptr, indices, values } = m;
  return { target, other, k, indptr, indices, values, alpha, confidenceBase, gramReg, cgSteps };
}

for (const confidenceBase of [1, 0]) {
  test(`CG with k steps reaches the exact (Cholesky) solution of every row (c = ${confidenceBase} + αr)`, () => {
    const target = new Float32Array(m.nRows * k);
    solveRowRange(systems(target, k + 2, confidenceBase), 0, m.nRows, createCgScratch(k));
    const basis = { itemFactors: other, gram, k, alpha, confidenceBase, regularization };
    const a = new Float64Array(k * k);
    const exact = new Float64Array(k);
    for (let u = 0; u < m.nRows; u++) {
      const range = [m.indptr[u], m.indptr[u + 1]] as const;
      assert.ok(foldInExact(basis, m.indices.subarray(...range), m.values.subarray(...range), a, exact));
      for (let j = 0; j < k; j++) {
        const got = target[u * k + j];
        assert.ok(Math.abs(got - exact[j]) < 1e-4, `row ${u}: ${got} vs ${exact[j]}`);
      }
    }
  });
}

test("a row's CG result does not depend on how the rows are split", () => {
  const start = Float32Array.from({ length: m.nRows * k }, () => rng.next() * 0.1);
  const whole = start.slice();
  solveRowRange(systems(whole, 3), 0, m.nRows, createCgScratch(k));
  const pieces = start.slice();
  const scratch = createCgScratch(k);
  for (const [s, e] of [
    [0, 5],
    [5, 6],
    [6, 61],
    [61, 100],
  ]) {
    solveRowRange(systems(pieces, 3), s, e, scratch);
  }
  assert.deepEqual(pieces, whole);
});
