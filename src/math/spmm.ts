import type { CsrMatrix } from "../core/csr.js";
import { SPMM_KERNELS, type SpmmKernelName } from "./spmm-kernels.js";
import { defaultThreads, WorkerPool } from "./worker-pool.js";

export { SPMM_KERNELS, type SpmmKernelName } from "./spmm-kernels.js";

/** Options of a sparse × dense product. */
export interface SpmmOptions {
  /** Where to write the rows × d result (overwritten); allocated when absent. */
  out?: Float32Array;
  /** Multiplies output row r by rowScale[r], e.g. 1/degree for a random-walk matrix. */
  rowScale?: Float32Array;
  /** L2-normalises every output row (after the row scale); zero rows stay zero. */
  normalizeRows?: boolean;
  /** The inner kernel; `unroll8` unless a benchmark asks for another. */
  kernel?: SpmmKernelName;
}

/** What one worker computes: rows [start, end) of the product, written into `out`. */
export interface SpmmJob {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  x: Float32Array;
  d: number;
  rowScale: Float32Array | null;
  normalizeRows: boolean;
  start: number;
  end: number;
  out: Float32Array;
  kernel: SpmmKernelName;
}

/** Worker handlers of the product, for any worker module that wants to serve it. */
export const spmmHandlers = {
  spmm(job: SpmmJob): null {
    const { indptr, indices, values, x, d, rowScale, normalizeRows, start, end, out } = job;
    SPMM_KERNELS[job.kernel](indptr, indices, values, x, d, rowScale, normalizeRows, start, end, out);
    return null;
  },
};

/** A Float32Array of length n on a SharedArrayBuffer (zero-filled), for operands of `spmmParallel`. */
export function sharedFloat32(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(n * 4));
}

/** An Int32Array of length n on a SharedArrayBuffer (zero-filled). */
export function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(n * 4));
}

/** Whether a typed array lives on shared memory (workers then see it without a copy). */
export function isShared(array: ArrayBufferView): boolean {
  return array.buffer instanceof SharedArrayBuffer;
}

/** The array itself when already shared, else a copy on shared memory. */
export function toShared<T extends Float32Array | Int32Array>(array: T): T {
  if (isShared(array)) return array;
  const copy = array instanceof Float32Array ? sharedFloat32(array.length) : sharedInt32(array.length);
  copy.set(array);
  return copy as T;
}

/**
 * The matrix with its indptr, indices and values on shared memory: copies once, so repeated
 * parallel products with the same matrix move no data (a shared matrix is returned as is).
 */
export function shareCsr(m: CsrMatrix): CsrMatrix {
  if (isShared(m.indptr) && isShared(m.indices) && isShared(m.values)) return m;
  return {
    nRows: m.nRows,
    nCols: m.nCols,
    indptr: toShared(m.indptr),
    indices: toShared(m.indices),
    values: toShared(m.values),
  };
}

/** The module a product's workers run: .ts under tsx (tests, benchmarks), .js when built. */
export const SPMM_WORKER_URL = new URL(
  `./spmm-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
  import.meta.url,
);

/** A worker pool serving `spmmHandlers`; close it when done. */
export function createSpmmPool(threads = defaultThreads()): WorkerPool {
  return new WorkerPool(SPMM_WORKER_URL, threads);
}

/**
 * A · X for a CSR matrix A (rows × cols) and a dense row-major X (cols × d), on the calling
 * thread. Shapes are checked here once; the kernel itself trusts them.
 */
export function spmm(a: CsrMatrix, x: Float32Array, d: number, options: SpmmOptions = {}): Float32Array {
  const out = checkedOut(a, x, d, options, false);
  const kernel = SPMM_KERNELS[options.kernel ?? "unroll8"];
  kernel(
    a.indptr,
    a.indices,
    a.values,
    x,
    d,
    options.rowScale ?? null,
    options.normalizeRows ?? false,
    0,
    a.nRows,
    out,
  );
  return out;
}

/**
 * A · X split over the workers of `pool` (one row range each, balanced by nonzeros). Every
 * operand must be on shared memory (see `shareCsr`, `sharedFloat32`), so only ranges travel;
 * an `out` allocated here is shared too.
 */
export async function spmmParallel(
  pool: WorkerPool,
  a: CsrMatrix,
  x: Float32Array,
  d: number,
  options: SpmmOptions = {},
): Promise<Float32Array> {
  const out = checkedOut(a, x, d, options, true);
  for (const [name, array] of [
    ["A.indptr", a.indptr],
    ["A.indices", a.indices],
    ["A.values", a.values],
    ["X", x],
    ["rowScale", options.rowScale],
  ] as const) {
    if (array && !isShared(array))
      throw new TypeError(`spmmParallel: ${name} must be on a SharedArrayBuffer`);
  }
  const ranges = rowRanges(a.indptr, pool.size);
  await pool.runAll(
    "spmm",
    (i): SpmmJob => ({
      indptr: a.indptr,
      indices: a.indices,
      values: a.values,
      x,
      d,
      rowScale: options.rowScale ?? null,
      normalizeRows: options.normalizeRows ?? false,
      start: ranges[i][0],
      end: ranges[i][1],
      out,
      kernel: options.kernel ?? "unroll8",
    }),
  );
  return out;
}

/** Validates the operands and returns the output buffer (given or fresh, shared if asked). */
function checkedOut(
  a: CsrMatrix,
  x: Float32Array,
  d: number,
  options: SpmmOptions,
  shared: boolean,
): Float32Array {
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`spmm: d must be a positive integer, got ${d}`);
  if (a.indptr.length !== a.nRows + 1) {
    throw new RangeError(`spmm: indptr has ${a.indptr.length} entries for ${a.nRows} rows`);
  }
  const nnz = a.indptr[a.nRows];
  if (a.indices.length < nnz || a.values.length < nnz) {
    throw new RangeError(
      `spmm: indptr ends at ${nnz} but indices/values hold ${a.indices.length}/${a.values.length}`,
    );
  }
  if (x.length !== a.nCols * d) {
    throw new RangeError(`spmm: X has ${x.length} values, expected ${a.nCols} × ${d} = ${a.nCols * d}`);
  }
  if (options.rowScale && options.rowScale.length !== a.nRows) {
    throw new RangeError(`spmm: rowScale has ${options.rowScale.length} values for ${a.nRows} rows`);
  }
  if (options.kernel !== undefined && !(options.kernel in SPMM_KERNELS)) {
    throw new RangeError(`spmm: unknown kernel '${options.kernel}'`);
  }
  const size = a.nRows * d;
  if (options.out) {
    if (options.out.length !== size) {
      throw new RangeError(
        `spmm: out has ${options.out.length} values, expected ${a.nRows} × ${d} = ${size}`,
      );
    }
    if (options.out === x) throw new RangeError("spmm: out must not alias X");
    if (shared && !isShared(options.out))
      throw new TypeError("spmmParallel: out must be on a SharedArrayBuffer");
    return options.out;
  }
  return shared ? sharedFloat32(size) : new Float32Array(size);
}

/**
 * Row ranges holding near-equal numbers of entries (a binary search per boundary, so it is cheap
 * to repeat). Unlike `splitByNonzeros` it accepts an indptr that starts above 0: a block of rows
 * of a larger matrix, such as one node kind of Cleora's graph.
 */
export function rowRanges(indptr: Int32Array, parts: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const nRows = indptr.length - 1;
  const first = indptr[0];
  let start = 0;
  for (let p = 1; p <= parts; p++) {
    const target = first + ((indptr[nRows] - first) * p) / parts;
    // The first row boundary at or past the target (binary search; indptr is non-decreasing).
    let lo = start;
    let hi = nRows;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (indptr[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    const end = p === parts ? nRows : lo;
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}
