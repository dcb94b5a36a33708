/**
 * Inner kernels of the sparse × dense product (tfjs style): typed arrays, explicit dimensions, a
 * row range and an out buffer; no checks, allocation or I/O. All share one signature so the
 * benchmark can swap them; `unroll8` is the default because it measured fastest (bench/spmm.ts).
 */

/** One kernel: out[start..end) = epilogue(A[start..end) · X), X being cols × d row-major. */
export type SpmmKernel = (
  indptr: Int32Array,
  indices: Int32Array,
  values: Float32Array,
  x: Float32Array,
  d: number,
  rowScale: Float32Array | null,
  normalizeRows: boolean,
  start: number,
  end: number,
  out: Float32Array,
) => void;

/**
 * Entries of a row handled per pass. The unrolled kernels walk a row's entries once per block of
 * 8 columns; chunking keeps the X rows of one chunk in L2 across those passes, which matters for
 * the few power-law rows (popular items) with tens of thousands of entries.
 */
const CHUNK = 256;

// biome-ignore format: the unrolled statements read best as a grid, one block per line
/** Accumulates 8 output columns at a time in locals (registers), walking the row once per block. */
export const unroll8: SpmmKernel = (indptr, indices, values, x, d, rowScale, normalizeRows, start, end, out) => {
  const d8 = d - (d % 8);
  for (let r = start; r < end; r++) {
    const o = r * d;
    const e0 = indptr[r];
    const e1 = indptr[r + 1];
    for (let c0 = e0; c0 < e1 || c0 === e0; c0 += CHUNK) {
      const c1 = Math.min(c0 + CHUNK, e1);
      const first = c0 === e0;
      for (let j = 0; j < d8; j += 8) {
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        if (!first) {
          a0 = out[o + j]; a1 = out[o + j + 1]; a2 = out[o + j + 2]; a3 = out[o + j + 3];
          a4 = out[o + j + 4]; a5 = out[o + j + 5]; a6 = out[o + j + 6]; a7 = out[o + j + 7];
        }
        for (let e = c0; e < c1; e++) {
          const v = values[e];
          const b = indices[e] * d + j;
          a0 += v * x[b]; a1 += v * x[b + 1]; a2 += v * x[b + 2]; a3 += v * x[b + 3];
          a4 += v * x[b + 4]; a5 += v * x[b + 5]; a6 += v * x[b + 6]; a7 += v * x[b + 7];
        }
        out[o + j] = a0; out[o + j + 1] = a1; out[o + j + 2] = a2; out[o + j + 3] = a3;
        out[o + j + 4] = a4; out[o + j + 5] = a5; out[o + j + 6] = a6; out[o + j + 7] = a7;
      }
      tailColumns(indices, values, x, d, d8, c0, c1, first, o, out);
    }
    if (rowScale !== null || normalizeRows) epilogue(rowScale, normalizeRows, r, d, out);
  }
};

// biome-ignore format: the unrolled statements read best as a grid, one block per line
/** Like `unroll8` with 16 accumulators: half the passes over a row, more register pressure. */
export const unroll16: SpmmKernel = (indptr, indices, values, x, d, rowScale, normalizeRows, start, end, out) => {
  const d16 = d - (d % 16);
  for (let r = start; r < end; r++) {
    const o = r * d;
    const e0 = indptr[r];
    const e1 = indptr[r + 1];
    for (let c0 = e0; c0 < e1 || c0 === e0; c0 += CHUNK) {
      const c1 = Math.min(c0 + CHUNK, e1);
      const first = c0 === e0;
      for (let j = 0; j < d16; j += 16) {
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        let a8 = 0, a9 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0, a14 = 0, a15 = 0;
        if (!first) {
          a0 = out[o + j]; a1 = out[o + j + 1]; a2 = out[o + j + 2]; a3 = out[o + j + 3];
          a4 = out[o + j + 4]; a5 = out[o + j + 5]; a6 = out[o + j + 6]; a7 = out[o + j + 7];
          a8 = out[o + j + 8]; a9 = out[o + j + 9]; a10 = out[o + j + 10]; a11 = out[o + j + 11];
          a12 = out[o + j + 12]; a13 = out[o + j + 13]; a14 = out[o + j + 14]; a15 = out[o + j + 15];
        }
        for (let e = c0; e < c1; e++) {
          const v = values[e];
          const b = indices[e] * d + j;
          a0 += v * x[b]; a1 += v * x[b + 1]; a2 += v * x[b + 2]; a3 += v * x[b + 3];
          a4 += v * x[b + 4]; a5 += v * x[b + 5]; a6 += v * x[b + 6]; a7 += v * x[b + 7];
          a8 += v * x[b + 8]; a9 += v * x[b + 9]; a10 += v * x[b + 10]; a11 += v * x[b + 11];
          a12 += v * x[b + 12]; a13 += v * x[b + 13]; a14 += v * x[b + 14]; a15 += v * x[b + 15];
        }
        out[o + j] = a0; out[o + j + 1] = a1; out[o + j + 2] = a2; out[o + j + 3] = a3;
        out[o + j + 4] = a4; out[o + j + 5] = a5; out[o + j + 6] = a6; out[o + j + 7] = a7;
        out[o + j + 8] = a8; out[o + j + 9] = a9; out[o + j + 10] = a10; out[o + j + 11] = a11;
        out[o + j + 12] = a12; out[o + j + 13] = a13; out[o + j + 14] = a14; out[o + j + 15] = a15;
      }
      tailColumns(indices, values, x, d, d16, c0, c1, first, o, out);
    }
    if (rowScale !== null || normalizeRows) epilogue(rowScale, normalizeRows, r, d, out);
  }
};

// biome-ignore format: the unrolled statements read best as a grid, one block per line
/**
 * The textbook loop: each entry adds v · X[col] into the output row (an axpy), 8 columns per
 * step. Every update goes through float32 memory; kept as the baseline the others are measured
 * against.
 */
export const axpy8: SpmmKernel = (indptr, indices, values, x, d, rowScale, normalizeRows, start, end, out) => {
  const d8 = d - (d % 8);
  for (let r = start; r < end; r++) {
    const o = r * d;
    out.fill(0, o, o + d);
    for (let e = indptr[r], e1 = indptr[r + 1]; e < e1; e++) {
      const v = values[e];
      const b = indices[e] * d;
      let j = 0;
      for (; j < d8; j += 8) {
        out[o + j] += v * x[b + j]; out[o + j + 1] += v * x[b + j + 1];
        out[o + j + 2] += v * x[b + j + 2]; out[o + j + 3] += v * x[b + j + 3];
        out[o + j + 4] += v * x[b + j + 4]; out[o + j + 5] += v * x[b + j + 5];
        out[o + j + 6] += v * x[b + j + 6]; out[o + j + 7] += v * x[b + j + 7];
      }
      for (; j < d; j++) out[o + j] += v * x[b + j];
    }
    if (rowScale !== null || normalizeRows) epilogue(rowScale, normalizeRows, r, d, out);
  }
};

/** The kernels by name, for callers (and workers) that choose one at run time. */
export const SPMM_KERNELS = { unroll8, unroll16, axpy8 } as const;

/** A kernel name. */
export type SpmmKernelName = keyof typeof SPMM_KERNELS;

/** Columns [from, d) of one row chunk, one accumulator each (d not a multiple of the unroll). */
function tailColumns(
  indices: Int32Array,
  values: Float32Array,
  x: Float32Array,
  d: number,
  from: number,
  c0: number,
  c1: number,
  first: boolean,
  o: number,
  out: Float32Array,
): void {
  for (let j = from; j < d; j++) {
    let acc = first ? 0 : out[o + j];
    for (let e = c0; e < c1; e++) acc += values[e] * x[indices[e] * d + j];
    out[o + j] = acc;
  }
}

/** Scales row r by rowScale[r], then (optionally) to unit L2 norm; a zero row stays zero. */
function epilogue(
  rowScale: Float32Array | null,
  normalizeRows: boolean,
  r: number,
  d: number,
  out: Float32Array,
): void {
  const o = r * d;
  let scale = rowScale === null ? 1 : rowScale[r];
  if (normalizeRows) {
    let sq = 0;
    for (let j = 0; j < d; j++) sq += out[o + j] * out[o + j];
    // The row scale cancels under normalisation, except for its sign.
    scale = sq > 0 ? Math.sign(scale) / Math.sqrt(sq) : 0;
  }
  if (scale === 1) return;
  for (let j = 0; j < d; j++) out[o + j] *= scale;
}
