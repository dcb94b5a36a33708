/*
 * Dense float kernels in the tfjs style: typed arrays, explicit dimensions and an `out` buffer;
 * no shape checks, allocation or I/O (callers check once at their public entry).
 *
 * Scalar JavaScript has no SIMD, so speed comes from register tiles: a tile of independent
 * accumulators held in locals lets V8 keep them in registers and overlap the multiplies, which
 * measured ≈ 3× faster than the textbook loop. Every output entry is still summed in one fixed
 * order (a = 0, 1, …, k−1, or row 0, 1, …), whichever tile or remainder path computes it, so a
 * result does not depend on how rows are grouped into blocks or threads.
 */

/** Dot product of `n` float32 values: `a[aOff..aOff+n) · b[bOff..bOff+n)`. */
export function dotF32(a: Float32Array, aOff: number, b: Float32Array, bOff: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    s0 += a[aOff + j] * b[bOff + j];
    s1 += a[aOff + j + 1] * b[bOff + j + 1];
    s2 += a[aOff + j + 2] * b[bOff + j + 2];
    s3 += a[aOff + j + 3] * b[bOff + j + 3];
  }
  for (; j < n; j++) s0 += a[aOff + j] * b[bOff + j];
  return s0 + s1 + s2 + s3;
}

/**
 * `out = P · G` for `rows` rows of P (row-major, rows × k) and a k × k matrix G: the blocked
 * form of many matrix–vector products with one shared matrix, tiled 3 rows × 4 columns.
 */
export function multiplyRows(
  p: Float64Array,
  rows: number,
  g: Float64Array,
  k: number,
  out: Float64Array,
): void {
  const cols4 = k - (k % 4);
  let u = 0;
  for (; u + 3 <= rows; u += 3) {
    const o0 = u * k;
    const o1 = o0 + k;
    const o2 = o1 + k;
    for (let j = 0; j < cols4; j += 4) {
      let c00 = 0;
      let c01 = 0;
      let c02 = 0;
      let c03 = 0;
      let c10 = 0;
      let c11 = 0;
      let c12 = 0;
      let c13 = 0;
      let c20 = 0;
      let c21 = 0;
      let c22 = 0;
      let c23 = 0;
      for (let a = 0; a < k; a++) {
        const go = a * k + j;
        const g0 = g[go];
        const g1 = g[go + 1];
        const g2 = g[go + 2];
        const g3 = g[go + 3];
        let x = p[o0 + a];
        c00 += x * g0;
        c01 += x * g1;
        c02 += x * g2;
        c03 += x * g3;
        x = p[o1 + a];
        c10 += x * g0;
        c11 += x * g1;
        c12 += x * g2;
        c13 += x * g3;
        x = p[o2 + a];
        c20 += x * g0;
        c21 += x * g1;
        c22 += x * g2;
        c23 += x * g3;
      }
      out[o0 + j] = c00;
      out[o0 + j + 1] = c01;
      out[o0 + j + 2] = c02;
      out[o0 + j + 3] = c03;
      out[o1 + j] = c10;
      out[o1 + j + 1] = c11;
      out[o1 + j + 2] = c12;
      out[o1 + j + 3] = c13;
      out[o2 + j] = c20;
      out[o2 + j + 1] = c21;
      out[o2 + j + 2] = c22;
      out[o2 + j + 3] = c23;
    }
    for (let j = cols4; j < k; j++) {
      out[o0 + j] = columnDot(p, o0, g, j, k);
      out[o1 + j] = columnDot(p, o1, g, j, k);
      out[o2 + j] = columnDot(p, o2, g, j, k);
    }
  }
  for (; u < rows; u++) {
    const o = u * k;
    for (let j = 0; j < cols4; j += 4) {
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      let c3 = 0;
      for (let a = 0; a < k; a++) {
        const go = a * k + j;
        const x = p[o + a];
        c0 += x * g[go];
        c1 += x * g[go + 1];
        c2 += x * g[go + 2];
        c3 += x * g[go + 3];
      }
      out[o + j] = c0;
      out[o + j + 1] = c1;
      out[o + j + 2] = c2;
      out[o + j + 3] = c3;
    }
    for (let j = cols4; j < k; j++) out[o + j] = columnDot(p, o, g, j, k);
  }
}

/** Row `p[o..o+k)` times column `j` of the k × k matrix `g`, summed in order a = 0…k−1. */
function columnDot(p: Float64Array, o: number, g: Float64Array, j: number, k: number): number {
  let s = 0;
  for (let a = 0; a < k; a++) s += p[o + a] * g[a * k + j];
  return s;
}

/** Rows of X streamed per pass over the Gram tiles: 256 rows × 64 float32 stay in L2. */
const GRAM_ROW_BLOCK = 256;

/** Number of 4-wide tile rows of a k × k Gram matrix. */
export function gramTileRows(k: number): number {
  return Math.ceil(k / 4);
}

/**
 * Adds XᵀX (X: nRows × k, row-major float32) into `out` (k × k, float64) for the 4 × 4 tiles of
 * tile rows [tileStart, tileEnd) on or above the diagonal; lower tiles are left for
 * `mirrorUpper`. Threads given disjoint tile-row ranges write disjoint entries.
 */
export function accumulateGramTiles(
  x: Float32Array,
  nRows: number,
  k: number,
  tileStart: number,
  tileEnd: number,
  out: Float64Array,
): void {
  const tiles = gramTileRows(k);
  for (let r0 = 0; r0 < nRows; r0 += GRAM_ROW_BLOCK) {
    const r1 = Math.min(nRows, r0 + GRAM_ROW_BLOCK);
    for (let t = tileStart; t < tileEnd; t++) {
      for (let s = t; s < tiles; s++) {
        const a = 4 * t;
        const b = 4 * s;
        if (a + 4 <= k && b + 4 <= k) gramTile4(x, k, r0, r1, a, b, out);
        else gramTileEdge(x, k, r0, r1, a, Math.min(a + 4, k), b, Math.min(b + 4, k), out);
      }
    }
  }
}

/** One full 4 × 4 tile of XᵀX at (a, b) over rows [r0, r1), accumulated into `out`. */
function gramTile4(
  x: Float32Array,
  k: number,
  r0: number,
  r1: number,
  a: number,
  b: number,
  out: Float64Array,
): void {
  const o0 = a * k + b;
  const o1 = o0 + k;
  const o2 = o1 + k;
  const o3 = o2 + k;
  let c00 = out[o0];
  let c01 = out[o0 + 1];
  let c02 = out[o0 + 2];
  let c03 = out[o0 + 3];
  let c10 = out[o1];
  let c11 = out[o1 + 1];
  let c12 = out[o1 + 2];
  let c13 = out[o1 + 3];
  let c20 = out[o2];
  let c21 = out[o2 + 1];
  let c22 = out[o2 + 2];
  let c23 = out[o2 + 3];
  let c30 = out[o3];
  let c31 = out[o3 + 1];
  let c32 = out[o3 + 2];
  let c33 = out[o3 + 3];
  for (let r = r0; r < r1; r++) {
    const ra = r * k + a;
    const rb = r * k + b;
    const y0 = x[rb];
    const y1 = x[rb + 1];
    const y2 = x[rb + 2];
    const y3 = x[rb + 3];
    let v = x[ra];
    c00 += v * y0;
    c01 += v * y1;
    c02 += v * y2;
    c03 += v * y3;
    v = x[ra + 1];
    c10 += v * y0;
    c11 += v * y1;
    c12 += v * y2;
    c13 += v * y3;
    v = x[ra + 2];
    c20 += v * y0;
    c21 += v * y1;
    c22 += v * y2;
    c23 += v * y3;
    v = x[ra + 3];
    c30 += v * y0;
    c31 += v * y1;
    c32 += v * y2;
    c33 += v * y3;
  }
  out[o0] = c00;
  out[o0 + 1] = c01;
  out[o0 + 2] = c02;
  out[o0 + 3] = c03;
  out[o1] = c10;
  out[o1 + 1] = c11;
  out[o1 + 2] = c12;
  out[o1 + 3] = c13;
  out[o2] = c20;
  out[o2 + 1] = c21;
  out[o2 + 2] = c22;
  out[o2 + 3] = c23;
  out[o3] = c30;
  out[o3 + 1] = c31;
  out[o3 + 2] = c32;
  out[o3 + 3] = c33;
}

/** A partial tile at the matrix edge (k not a multiple of 4), entry by entry. */
function gramTileEdge(
  x: Float32Array,
  k: number,
  r0: number,
  r1: number,
  a0: number,
  a1: number,
  b0: number,
  b1: number,
  out: Float64Array,
): void {
  for (let a = a0; a < a1; a++) {
    for (let b = b0; b < b1; b++) {
      let s = out[a * k + b];
      for (let r = r0; r < r1; r++) s += x[r * k + a] * x[r * k + b];
      out[a * k + b] = s;
    }
  }
}

/** Copies the upper triangle of a k × k matrix onto its lower triangle. */
export function mirrorUpper(m: Float64Array, k: number): void {
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) m[b * k + a] = m[a * k + b];
}

/**
 * Splits the tile rows of a k × k Gram matrix into `parts` contiguous ranges with near-equal
 * numbers of upper-triangle tiles (tile row t holds T − t of them).
 */
export function splitGramTiles(k: number, parts: number): Array<[number, number]> {
  const tiles = gramTileRows(k);
  const total = (tiles * (tiles + 1)) / 2;
  const ranges: Array<[number, number]> = [];
  let start = 0;
  let done = 0;
  for (let p = 1; p <= parts; p++) {
    let end = start;
    while (end < tiles && done < (total * p) / parts) done += tiles - end++;
    if (p === parts) end = tiles;
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

/**
 * `out[i] = a_i · q` for the n rows of `a` (n × d, row-major), four rows at a time: each q[j] is
 * loaded once for four products (the loop is load-bound).
 */
export function scoreRows(a: Float32Array, n: number, d: number, q: Float32Array, out: Float32Array): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const r0 = i * d;
    const r1 = r0 + d;
    const r2 = r1 + d;
    const r3 = r2 + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < d; j++) {
      const qj = q[j];
      s0 += a[r0 + j] * qj;
      s1 += a[r1 + j] * qj;
      s2 += a[r2 + j] * qj;
      s3 += a[r3 + j] * qj;
    }
    out[i] = s0;
    out[i + 1] = s1;
    out[i + 2] = s2;
    out[i + 3] = s3;
  }
  for (; i < n; i++) {
    const row = i * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += a[row + j] * q[j];
    out[i] = s;
  }
}
