/** Rows of mostly-zero vectors in CSR form (row r is entries indptr[r]..indptr[r+1]). */
export interface SparseRows {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** Packs dense rows (null = an empty row) of `dims` columns into CSR form. */
export function toSparseRows(rows: readonly (Float32Array | null)[], dims: number): SparseRows {
  const indptr = new Int32Array(rows.length + 1);
  let nnz = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (row) for (let c = 0; c < dims; c++) if (row[c] !== 0) nnz++;
    indptr[r + 1] = nnz;
  }
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let e = 0;
  for (const row of rows) {
    if (!row) continue;
    for (let c = 0; c < dims; c++) {
      if (row[c] === 0) continue;
      indices[e] = c;
      values[e++] = row[c];
    }
  }
  return { indptr, indices, values };
}

/** Writes row `r` densely into `out`; false (and zeros) when the row is empty or out of range. */
export function sparseRow(rows: SparseRows, r: number, out: Float32Array): boolean {
  out.fill(0);
  if (r < 0 || r + 1 >= rows.indptr.length) return false;
  const from = rows.indptr[r];
  const to = rows.indptr[r + 1];
  for (let e = from; e < to; e++) out[rows.indices[e]] = rows.values[e];
  return to > from;
}
