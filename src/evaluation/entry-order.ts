import type { CsrMatrix } from "../core/csr.js";
import { PalateError } from "../core/errors.js";

/** Entry positions of a CSR matrix grouped by column: column `c` owns `positions[ptr[c]..ptr[c+1])`. */
export interface ColumnGroups {
  readonly ptr: Int32Array;
  readonly positions: Int32Array;
}

/** Groups entry positions by column (a counting sort), rows ascending within each column. */
export function groupByColumn(m: CsrMatrix): ColumnGroups {
  const nnz = m.indices.length;
  const ptr = new Int32Array(m.nCols + 1);
  for (let e = 0; e < nnz; e++) ptr[m.indices[e] + 1]++;
  for (let c = 0; c < m.nCols; c++) ptr[c + 1] += ptr[c];
  const next = ptr.slice(0, m.nCols);
  const positions = new Int32Array(nnz);
  for (let e = 0; e < nnz; e++) positions[next[m.indices[e]]++] = e;
  return { ptr, positions };
}

/** The matrix's timestamps, or a clear error naming the split that needs them. */
export function requireTimestamps(m: CsrMatrix, splitName: string): Float64Array {
  if (!m.timestamps) throw new PalateError(`${splitName} needs timestamps, but the matrix has none`);
  return m.timestamps;
}

// Past this many, sorting the row beats keeping a sorted buffer of the n best (O(len·n)).
const BUFFER_LIMIT = 32;

/**
 * Writes into `out` the positions of the `n` earliest (or latest) entries of row `r`, best first,
 * and returns how many were written. Time order is (timestamp, item index): ties go to the lower
 * item index as "earlier", so "latest" picks the higher one. Without timestamps the item index
 * alone orders the row. `out` must hold at least `min(n, row length)` values.
 */
export function selectByTime(m: CsrMatrix, r: number, n: number, latest: boolean, out: Int32Array): number {
  const start = m.indptr[r];
  const end = m.indptr[r + 1];
  const len = end - start;
  const t = m.timestamps;
  const take = Math.min(n, len);
  // Within a row positions ascend with the item index, so comparing positions breaks ties.
  const before = (a: number, b: number): boolean => {
    const ta = t ? t[a] : 0;
    const tb = t ? t[b] : 0;
    return latest ? ta > tb || (ta === tb && a > b) : ta < tb || (ta === tb && a < b);
  };
  if (take === 0) return 0;
  if (!t) {
    for (let i = 0; i < take; i++) out[i] = latest ? end - 1 - i : start + i;
    return take;
  }
  if (take > BUFFER_LIMIT) {
    const all = new Int32Array(len);
    for (let i = 0; i < len; i++) all[i] = start + i;
    all.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    out.set(all.subarray(0, take));
    return take;
  }
  let size = 0;
  for (let e = start; e < end; e++) {
    if (size === take && !before(e, out[take - 1])) continue;
    let i = size < take ? size++ : take - 1;
    while (i > 0 && before(e, out[i - 1])) {
      out[i] = out[i - 1];
      i--;
    }
    out[i] = e;
  }
  return take;
}
