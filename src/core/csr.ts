/**
 * A compressed sparse row matrix (user × item). Rows hold column indices in ascending order with
 * no duplicates. `timestamps`, when present, is the earliest event time of each entry.
 */
export interface CsrMatrix {
  readonly nRows: number;
  readonly nCols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
  readonly timestamps?: Float64Array;
}

/** Coordinate-format input to `buildCsr`. */
export interface CooInput {
  readonly length: number;
  readonly rows: Int32Array;
  readonly cols: Int32Array;
  readonly values: Float32Array;
  readonly timestamps?: Float64Array;
}

/**
 * Builds a CSR matrix from coordinates: duplicates are summed (their earliest timestamp kept).
 * Two stable counting sorts (by column, then by row) give sorted rows in O(nnz + rows + cols).
 */
export function buildCsr(coo: CooInput, nRows: number, nCols: number): CsrMatrix {
  const n = coo.length;
  const byCol = countingOrder(coo.cols, n, nCols, null);
  const order = countingOrder(coo.rows, n, nRows, byCol);

  const indptr = new Int32Array(nRows + 1);
  const indices = new Int32Array(n);
  const values = new Float32Array(n);
  const timestamps = coo.timestamps ? new Float64Array(n) : undefined;
  let nnz = 0;
  let prevRow = -1;
  let prevCol = -1;
  for (let k = 0; k < n; k++) {
    const e = order[k];
    const r = coo.rows[e];
    const c = coo.cols[e];
    if (r === prevRow && c === prevCol) {
      values[nnz - 1] += coo.values[e];
      if (timestamps && coo.timestamps![e] < timestamps[nnz - 1]) timestamps[nnz - 1] = coo.timestamps![e];
      continue;
    }
    indices[nnz] = c;
    values[nnz] = coo.values[e];
    if (timestamps) timestamps[nnz] = coo.timestamps![e];
    indptr[r + 1]++;
    nnz++;
    prevRow = r;
    prevCol = c;
  }
  for (let r = 0; r < nRows; r++) indptr[r + 1] += indptr[r];
  return {
    nRows,
    nCols,
    indptr,
    indices: nnz === n ? indices : indices.slice(0, nnz),
    values: nnz === n ? values : values.slice(0, nnz),
    timestamps: timestamps && (nnz === n ? timestamps : timestamps.slice(0, nnz)),
  };
}

/** A stable counting sort of positions by `keys`, applied to `input` order (or 0..n-1). */
function countingOrder(keys: Int32Array, n: number, nKeys: number, input: Int32Array | null): Int32Array {
  const start = new Int32Array(nKeys + 1);
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    if (key < 0 || key >= nKeys) throw new RangeError(`index ${key} out of range [0, ${nKeys})`);
    start[key + 1]++;
  }
  for (let k = 0; k < nKeys; k++) start[k + 1] += start[k];
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const pos = input ? input[i] : i;
    out[start[keys[pos]]++] = pos;
  }
  return out;
}

/** The transpose (item × user), rows again sorted. */
export function transposeCsr(m: CsrMatrix): CsrMatrix {
  const nnz = m.indices.length;
  const indptr = new Int32Array(m.nCols + 1);
  for (let e = 0; e < nnz; e++) indptr[m.indices[e] + 1]++;
  for (let c = 0; c < m.nCols; c++) indptr[c + 1] += indptr[c];
  const next = indptr.slice(0, m.nCols);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  const timestamps = m.timestamps ? new Float64Array(nnz) : undefined;
  for (let r = 0; r < m.nRows; r++) {
    for (let e = m.indptr[r]; e < m.indptr[r + 1]; e++) {
      const pos = next[m.indices[e]]++;
      indices[pos] = r;
      values[pos] = m.values[e];
      if (timestamps) timestamps[pos] = m.timestamps![e];
    }
  }
  return { nRows: m.nCols, nCols: m.nRows, indptr, indices, values, timestamps };
}

/** The entries `e` with `mask[e] === keep`, as a matrix of the same shape. */
export function selectEntries(m: CsrMatrix, mask: Uint8Array, keep: number): CsrMatrix {
  let nnz = 0;
  for (let e = 0; e < mask.length; e++) if (mask[e] === keep) nnz++;
  const indptr = new Int32Array(m.nRows + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  const timestamps = m.timestamps ? new Float64Array(nnz) : undefined;
  let out = 0;
  for (let r = 0; r < m.nRows; r++) {
    for (let e = m.indptr[r]; e < m.indptr[r + 1]; e++) {
      if (mask[e] !== keep) continue;
      indices[out] = m.indices[e];
      values[out] = m.values[e];
      if (timestamps) timestamps[out] = m.timestamps![e];
      out++;
    }
    indptr[r + 1] = out;
  }
  return { nRows: m.nRows, nCols: m.nCols, indptr, indices, values, timestamps };
}

/** Number of stored entries in row `r`. */
export function rowLength(m: CsrMatrix, r: number): number {
  return m.indptr[r + 1] - m.indptr[r];
}

/** Whether entry (r, c) is stored (binary search in the sorted row). */
export function hasEntry(m: CsrMatrix, r: number, c: number): boolean {
  let lo = m.indptr[r];
  let hi = m.indptr[r + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = m.indices[mid];
    if (v === c) return true;
    if (v < c) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
