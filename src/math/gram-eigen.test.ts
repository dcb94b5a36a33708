import assert from "node:assert/strict";
import { test } from "node:test";
import { buildCsr, type CsrMatrix } from "../core/csr.js";
import { gramEigen, orthonormaliseColumns } from "./gram-eigen.js";
import { Random } from "./random.js";
import { symmetricEigen } from "./symmetric-eigen.js";

/** The rows × cols matrix with a 1 at each (r[e], c[e]). */
function binaryCsr(r: number[], c: number[], rows: number, cols: number): CsrMatrix {
  const coo = { length: r.length, rows: Int32Array.from(r), cols: Int32Array.from(c) };
  return buildCsr({ ...coo, values: new Float32Array(r.length).fill(1) }, rows, cols);
}

/** A random sparse rows × cols matrix with about `density` of its entries set to 1. */
function randomSparse(rows: number, cols: number, density: number, seed: number): CsrMatrix {
  const random = new Random(seed);
  const r: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++)
      if (random.next() < density) {
        r.push(i);
        c.push(j);
      }
  return binaryCsr(r, c, rows, cols);
}

/** XᵀX as a dense matrix, the reference. */
function denseGram(x: CsrMatrix): Float64Array {
  const n = x.nCols;
  const g = new Float64Array(n * n);
  for (let u = 0; u < x.nRows; u++)
    for (let a = x.indptr[u]; a < x.indptr[u + 1]; a++)
      for (let b = x.indptr[u]; b < x.indptr[u + 1]; b++)
        g[x.indices[a] * n + x.indices[b]] += x.values[a] * x.values[b];
  return g;
}

for (const [shape, rows, cols] of [
  ["more rows than columns", 120, 30],
  ["fewer rows than columns", 25, 60],
] as const) {
  test(`gramEigen is exact when its subspace spans XᵀX's range (${shape})`, () => {
    const x = randomSparse(rows, cols, 0.2, 11);
    const exact = symmetricEigen(denseGram(x), cols);
    const rank = 6;
    // rank + oversample ≥ the smaller side: the subspace is the whole range of XᵀX.
    const found = gramEigen(x, rank, { oversample: 60, powerIterations: 1 });
    assert.equal(found.rank, rank);
    for (let k = 0; k < rank; k++) {
      const relative = Math.abs(found.values[k] - exact.values[k]) / exact.values[k];
      assert.ok(relative < 1e-4, `eigenvalue ${k}: ${found.values[k]} vs ${exact.values[k]}`);
      let dot = 0;
      for (let i = 0; i < cols; i++) dot += found.vectors[i * rank + k] * exact.vectors[i * cols + k];
      assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-3, `eigenvector ${k}: |dot| = ${Math.abs(dot)}`);
    }
  });
}

/**
 * Rows in three groups, each dense (0.5) on its own third of the columns and sparse (0.03)
 * elsewhere: a binary matrix with three dominant directions.
 */
function threeGroups(rows: number, cols: number, seed: number) {
  const random = new Random(seed);
  const r: number[] = [];
  const c: number[] = [];
  for (let u = 0; u < rows; u++)
    for (let i = 0; i < cols; i++)
      if (random.next() < (Math.floor((3 * i) / cols) === u % 3 ? 0.5 : 0.03)) {
        r.push(u);
        c.push(i);
      }
  return binaryCsr(r, c, rows, cols);
}

test("gramEigen finds the leading eigenpairs of clustered data with a small subspace", () => {
  const x = threeGroups(300, 90, 4);
  const exact = symmetricEigen(denseGram(x), 90);
  const found = gramEigen(x, 3, { oversample: 5, powerIterations: 3 });
  for (let k = 0; k < 3; k++) {
    const relative = Math.abs(found.values[k] - exact.values[k]) / exact.values[k];
    assert.ok(relative < 1e-3, `eigenvalue ${k}: ${found.values[k]} vs ${exact.values[k]}`);
  }
});

test("with fewer rows than columns the vectors come from XXᵀ, orthonormal and matching XᵀX's leading ones", () => {
  const x = threeGroups(45, 150, 6);
  const exact = symmetricEigen(denseGram(x), 150);
  const rank = 3;
  const found = gramEigen(x, rank, { oversample: 5, powerIterations: 3 });
  for (let a = 0; a < rank; a++) {
    const relative = Math.abs(found.values[a] - exact.values[a]) / exact.values[a];
    assert.ok(relative < 1e-3, `eigenvalue ${a}: ${found.values[a]} vs ${exact.values[a]}`);
    let toExact = 0;
    for (let i = 0; i < 150; i++) toExact += found.vectors[i * rank + a] * exact.vectors[i * 150 + a];
    assert.ok(Math.abs(Math.abs(toExact) - 1) < 1e-3, `eigenvector ${a}: |dot| = ${Math.abs(toExact)}`);
    for (let b = 0; b < rank; b++) {
      let dot = 0;
      for (let i = 0; i < 150; i++) dot += found.vectors[i * rank + a] * found.vectors[i * rank + b];
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-4, `VᵀV[${a}][${b}] = ${dot}`);
    }
  }
});

test("gramEigen caps the rank at the smaller side of X and is deterministic per seed", () => {
  const x = randomSparse(8, 40, 0.3, 5);
  const a = gramEigen(x, 20);
  assert.equal(a.rank, 8);
  assert.deepEqual(gramEigen(x, 20).vectors, a.vectors);
  assert.throws(() => gramEigen(x, 0), /rank must be a positive integer/);
});

test("orthonormaliseColumns leaves orthonormal columns spanning the same space", () => {
  const rows = 50;
  const width = 7;
  const random = new Random(2);
  const z = Float32Array.from({ length: rows * width }, () => random.normal());
  const original = z.slice();
  orthonormaliseColumns(z, rows, width);
  for (let i = 0; i < width; i++) {
    for (let j = 0; j < width; j++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += z[r * width + i] * z[r * width + j];
      assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-5, `QᵀQ[${i}][${j}] = ${dot}`);
    }
  }
  // Same span: each original column is reproduced by its projection onto the new columns.
  for (let c = 0; c < width; c++) {
    const coefficients = Array.from({ length: width }, (_, j) => {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += z[r * width + j] * original[r * width + c];
      return dot;
    });
    for (let r = 0; r < rows; r++) {
      let projected = 0;
      for (let j = 0; j < width; j++) projected += coefficients[j] * z[r * width + j];
      assert.ok(Math.abs(projected - original[r * width + c]) < 1e-3, `column ${c}, row ${r}`);
    }
  }
});
