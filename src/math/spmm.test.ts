import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { buildCsr, type CsrMatrix } from "../core/csr.js";
import { Random } from "./random.js";
import {
  createSpmmPool,
  rowRanges,
  SPMM_KERNELS,
  type SpmmKernelName,
  shareCsr,
  sharedFloat32,
  spmm,
  spmmParallel,
} from "./spmm.js";
import type { WorkerPool } from "./worker-pool.js";

/** A random matrix with some empty rows and one row longer than a kernel chunk. */
function randomCsr(rng: Random, nRows: number, nCols: number, nnz: number): CsrMatrix {
  const rows = new Int32Array(nnz);
  const cols = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let e = 0; e < nnz; e++) {
    rows[e] = e < 600 ? 1 : rng.int(nRows);
    cols[e] = rng.int(nCols);
    values[e] = rng.next() * 2 - 1;
  }
  return buildCsr({ length: nnz, rows, cols, values }, nRows, nCols);
}

function randomDense(rng: Random, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
}

/** The definition, in float64: out[r] = scale(r) · Σ_e v_e · X[col_e]. */
function naive(
  a: CsrMatrix,
  x: Float32Array,
  d: number,
  rowScale?: Float32Array,
  normalize = false,
): Float64Array {
  const out = new Float64Array(a.nRows * d);
  for (let r = 0; r < a.nRows; r++) {
    for (let e = a.indptr[r]; e < a.indptr[r + 1]; e++) {
      for (let j = 0; j < d; j++) out[r * d + j] += a.values[e] * x[a.indices[e] * d + j];
    }
    const row = out.subarray(r * d, (r + 1) * d);
    const norm = normalize ? Math.abs(rowScale ? rowScale[r] : 1) * Math.hypot(...row) : 1;
    const scale = (rowScale ? rowScale[r] : 1) / (norm > 0 ? norm : Number.POSITIVE_INFINITY);
    for (let j = 0; j < d; j++) row[j] *= scale;
  }
  return out;
}

function assertClose(actual: Float32Array, expected: Float64Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++) {
    if (Math.abs(actual[i] - expected[i]) > 1e-4 * (1 + Math.abs(expected[i]))) {
      assert.fail(`${what}: entry ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

const kernels = Object.keys(SPMM_KERNELS) as SpmmKernelName[];
const dims = [1, 3, 8, 13, 16, 24, 37];
let pools: WorkerPool[] = [];

before(() => {
  pools = [createSpmmPool(1), createSpmmPool(2)];
});
after(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

test("spmm equals the naive product for every kernel and odd d, with row scale and normalisation", () => {
  const rng = new Random(7);
  const a = randomCsr(rng, 40, 30, 900);
  const rowScale = Float32Array.from({ length: 40 }, (_, r) => (r % 5 === 0 ? -0.5 : 1 / (1 + r)));
  for (const d of dims) {
    const x = randomDense(rng, 30 * d);
    for (const kernel of kernels) {
      assertClose(spmm(a, x, d, { kernel }), naive(a, x, d), `${kernel} d=${d}`);
      assertClose(spmm(a, x, d, { kernel, rowScale }), naive(a, x, d, rowScale), `${kernel} d=${d} scaled`);
      const normalized = spmm(a, x, d, { kernel, rowScale, normalizeRows: true });
      assertClose(normalized, naive(a, x, d, rowScale, true), `${kernel} d=${d} normalised`);
    }
  }
});

test("spmmParallel on 1 and 2 threads equals the naive product and writes into a given out", async () => {
  const rng = new Random(11);
  const a = shareCsr(randomCsr(rng, 57, 23, 1500));
  for (const pool of pools) {
    for (const d of [5, 16, 19]) {
      const x = sharedFloat32(23 * d);
      x.set(randomDense(rng, 23 * d));
      const out = sharedFloat32(57 * d).fill(Number.NaN);
      for (const kernel of kernels) {
        const result = await spmmParallel(pool, a, x, d, { out, kernel });
        assert.equal(result, out);
        assertClose(out, naive(a, x, d), `${pool.size} threads ${kernel} d=${d}`);
      }
    }
  }
});

test("shareCsr copies once and spmm checks shapes at the entry", async () => {
  const rng = new Random(3);
  const local = randomCsr(rng, 4, 3, 6);
  const shared = shareCsr(local);
  assert.notEqual(shared.indices, local.indices);
  assert.equal(shareCsr(shared), shared);
  assert.throws(() => spmm(local, new Float32Array(5), 2), /X has 5 values/);
  assert.throws(() => spmm(local, new Float32Array(6), 2, { out: new Float32Array(7) }), /out has 7/);
  assert.throws(() => spmm(local, new Float32Array(6), 2, { rowScale: new Float32Array(2) }), /rowScale/);
  await assert.rejects(spmmParallel(pools[0], local, sharedFloat32(6), 2), /SharedArrayBuffer/);
});

test("rowRanges balances entries, also for a block of rows whose indptr starts above 0", () => {
  const indptr = Int32Array.from([0, 90, 92, 94, 96, 98, 100]);
  assert.deepEqual(rowRanges(indptr, 2), [
    [0, 1],
    [1, 6],
  ]);
  // Rows 1..5 alone (entries 90..100): an even split is 3 rows and 2 rows.
  assert.deepEqual(rowRanges(indptr.subarray(1), 2), [
    [0, 3],
    [3, 5],
  ]);
  assert.deepEqual(rowRanges(Int32Array.of(0), 2), [
    [0, 0],
    [0, 0],
  ]);
});
