/*
 * The leading eigenpairs of the column Gram matrix G = XᵀX of a sparse matrix X, without forming
 * G: randomized subspace iteration (Halko, Martinsson & Tropp 2011) with Rayleigh–Ritz. A pass
 * applies G to a cols × l block row by row of X (y = x_u·Q, then out[i] += y for each i in x_u),
 * so it costs 2·nnz·l and holds nothing of users' size; one orthonormalisation follows.
 */
import { type CsrMatrix, transposeCsr } from "../core/csr.js";
import { choleskyFactor } from "./cholesky.js";
import { accumulateGramTiles, gramTileRows, mirrorUpper, multiplyRows } from "./dense.js";
import { Random } from "./random.js";
import { symmetricEigen } from "./symmetric-eigen.js";

/** Options of `gramEigen`. */
export interface GramEigenOptions {
  /** Extra directions carried through the iteration beyond the rank asked for (accuracy). */
  oversample?: number;
  /** Applications of G to the random start (more passes, sharper leading directions). */
  powerIterations?: number;
  seed?: number;
}

/** The leading eigenpairs: values descending, vectors as columns (cols × rank, row-major). */
export interface GramEigen {
  rank: number;
  values: Float64Array;
  vectors: Float32Array;
}

/**
 * The `rank` largest eigenvalues of XᵀX with their eigenvectors, X's stored values taken as
 * they are. The rank is capped by the smaller side of X (XᵀX has no more nonzero eigenvalues).
 */
export function gramEigen(x: CsrMatrix, rank: number, options: GramEigenOptions = {}): GramEigen {
  if (!Number.isInteger(rank) || rank < 1)
    throw new RangeError(`rank must be a positive integer, got ${rank}`);
  return x.nRows < x.nCols ? fromRowSide(x, rank, options) : columnSide(x, rank, options);
}

/**
 * Through the smaller Gram matrix XXᵀ when X has fewer rows than columns: its nonzero eigenpairs
 * (U, S) are XᵀX's, with V = XᵀU·S^(−1/2). The iteration's dense work (orthonormalising, rotating
 * the basis) then costs rows × l² instead of cols × l²: on movielens-latest-small (610 users,
 * 9,742 items, l = 272) that work was most of the 2.6-s decomposition. Rayleigh–Ritz makes
 * UᵀXXᵀU = S, so the columns of V come out orthonormal.
 */
function fromRowSide(x: CsrMatrix, rank: number, options: GramEigenOptions): GramEigen {
  const xt = transposeCsr(x);
  const inner = columnSide(xt, rank, options);
  const r = inner.rank;
  const vectors = new Float32Array(x.nCols * r);
  const inverseRoots = Float64Array.from(inner.values, (s) => (s > 1e-12 ? 1 / Math.sqrt(s) : 0));
  const row = new Float64Array(r);
  for (let i = 0; i < xt.nRows; i++) {
    row.fill(0);
    for (let e = xt.indptr[i]; e < xt.indptr[i + 1]; e++) {
      const v = xt.values[e];
      const o = xt.indices[e] * r;
      for (let k = 0; k < r; k++) row[k] += v * inner.vectors[o + k];
    }
    for (let k = 0; k < r; k++) vectors[i * r + k] = row[k] * inverseRoots[k];
  }
  return { rank: r, values: inner.values, vectors };
}

/** Randomized subspace iteration on XᵀX itself (cols × l dense work). */
function columnSide(x: CsrMatrix, rank: number, options: GramEigenOptions): GramEigen {
  const { oversample = 16, powerIterations = 2, seed = 42 } = options;
  const cols = x.nCols;
  const width = Math.min(rank + oversample, cols, x.nRows);
  const kept = Math.min(rank, width);
  if (width === 0) return { rank: 0, values: new Float64Array(0), vectors: new Float32Array(0) };
  const random = new Random(seed);
  let q: Float32Array = new Float32Array(cols * width);
  // A Gaussian start needs no orthonormalising: G·Ω is orthonormalised before it is used.
  for (let i = 0; i < q.length; i++) q[i] = random.normal();
  const passes = Math.max(1, powerIterations);
  for (let pass = 0; pass < passes; pass++) {
    q = gramTimes(x, q, width);
    // Intermediate bases need only span the right space; Rayleigh–Ritz needs orthonormal ones.
    orthonormaliseColumns(q, cols, width, pass === passes - 1 ? 2 : 1);
  }
  // Rayleigh–Ritz: G restricted to span(Q) is Qᵀ·G·Q; its eigenvectors W rotate Q into V = Q·W.
  const projected =
    x.nRows <= cols ? rowSideGram(x, q, width) : crossProduct(q, gramTimes(x, q, width), cols, width);
  const { values, vectors: w } = symmetricEigen(projected, width);
  multiplyRowsInPlace(q, cols, w, width);
  const vectors = new Float32Array(cols * kept);
  for (let r = 0; r < cols; r++) vectors.set(q.subarray(r * width, r * width + kept), r * kept);
  return { rank: kept, values: values.slice(0, kept).map((v) => Math.max(0, v)), vectors };
}

/** XᵀX·Q for a row-major cols × width block Q, one row of X at a time. */
export function gramTimes(x: CsrMatrix, q: Float32Array, width: number): Float32Array {
  const out = new Float32Array(x.nCols * width);
  const y = new Float64Array(width);
  const { indptr, indices, values } = x;
  for (let u = 0; u < x.nRows; u++) {
    const from = indptr[u];
    const to = indptr[u + 1];
    if (from === to) continue;
    y.fill(0);
    for (let e = from; e < to; e++) {
      const v = values[e];
      const o = indices[e] * width;
      for (let j = 0; j < width; j++) y[j] += v * q[o + j];
    }
    for (let e = from; e < to; e++) {
      const v = values[e];
      const o = indices[e] * width;
      for (let j = 0; j < width; j++) out[o + j] += v * y[j];
    }
  }
  return out;
}

/** Rows of X·Q materialised at a time by `rowSideGram`. */
const USER_BLOCK = 4096;

/**
 * Qᵀ·G·Q = (XQ)ᵀ(XQ), formed from blocks of X·Q: rows × width² work, the cheaper route when X
 * has fewer rows than columns (crossProduct costs cols × width²).
 */
function rowSideGram(x: CsrMatrix, q: Float32Array, width: number): Float64Array {
  const out = new Float64Array(width * width);
  const block = new Float32Array(USER_BLOCK * width);
  for (let u0 = 0; u0 < x.nRows; u0 += USER_BLOCK) {
    const n = Math.min(USER_BLOCK, x.nRows - u0);
    block.fill(0);
    for (let b = 0; b < n; b++) {
      const o = b * width;
      for (let e = x.indptr[u0 + b]; e < x.indptr[u0 + b + 1]; e++) {
        const v = x.values[e];
        const qo = x.indices[e] * width;
        for (let j = 0; j < width; j++) block[o + j] += v * q[qo + j];
      }
    }
    accumulateGramTiles(block, n, width, 0, gramTileRows(width), out);
  }
  mirrorUpper(out, width);
  return out;
}

/** AᵀB (width × width, float64) of two row-major rows × width blocks, symmetrised. */
function crossProduct(a: Float32Array, b: Float32Array, rows: number, width: number): Float64Array {
  const out = new Float64Array(width * width);
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    for (let i = 0; i < width; i++) {
      const ai = a[o + i];
      if (ai === 0) continue;
      const oi = i * width;
      for (let j = 0; j < width; j++) out[oi + j] += ai * b[o + j];
    }
  }
  for (let i = 0; i < width; i++) {
    for (let j = i + 1; j < width; j++) {
      const mean = (out[i * width + j] + out[j * width + i]) / 2;
      out[i * width + j] = mean;
      out[j * width + i] = mean;
    }
  }
  return out;
}

/**
 * Makes the columns of the row-major rows × width block `z` orthonormal in place, spanning the
 * same space: Cholesky QR, by default twice (the second pass repairs the first's rounding). A tiny
 * ridge keeps the factorisation defined when columns are nearly dependent.
 */
export function orthonormaliseColumns(z: Float32Array, rows: number, width: number, passes = 2): void {
  for (let pass = 0; pass < passes; pass++) {
    const c = new Float64Array(width * width);
    accumulateGramTiles(z, rows, width, 0, gramTileRows(width), c);
    mirrorUpper(c, width);
    let trace = 0;
    for (let j = 0; j < width; j++) trace += c[j * width + j];
    const ridge = 1e-7 * (trace / width || 1);
    for (let j = 0; j < width; j++) c[j * width + j] += ridge;
    if (!choleskyFactor(c, width))
      throw new Error("orthonormaliseColumns: Gram matrix not positive definite");
    // Z = Q·Lᵀ, so Q = Z·L⁻ᵀ: rows are multiplied by L⁻ᵀ in blocks by a tiled dense kernel.
    multiplyRowsInPlace(z, rows, transposedInverse(c, width), width);
  }
}

/** (L⁻¹)ᵀ of the lower-triangular factor held in the lower triangle of `l` (width × width). */
function transposedInverse(l: Float64Array, width: number): Float64Array {
  const out = new Float64Array(width * width);
  const column = new Float64Array(width);
  for (let c = 0; c < width; c++) {
    // Column c of L⁻¹ solves L·x = e_c by forward substitution (zero above row c).
    column.fill(0);
    for (let i = c; i < width; i++) {
      let s = i === c ? 1 : 0;
      for (let p = c; p < i; p++) s -= l[i * width + p] * column[p];
      column[i] = s / l[i * width + i];
    }
    for (let i = c; i < width; i++) out[c * width + i] = column[i];
  }
  return out;
}

/** Rows copied through float64 per call of the tiled kernel (256 × width stays in cache). */
const ROW_BLOCK = 256;

/** z ← z·g for a row-major rows × width float32 block and a width × width matrix g. */
export function multiplyRowsInPlace(z: Float32Array, rows: number, g: Float64Array, width: number): void {
  const block = new Float64Array(ROW_BLOCK * width);
  const out = new Float64Array(ROW_BLOCK * width);
  for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    const n = Math.min(ROW_BLOCK, rows - r0);
    const slice = z.subarray(r0 * width, (r0 + n) * width);
    block.set(slice);
    multiplyRows(block, n, g, width, out);
    for (let i = 0; i < n * width; i++) slice[i] = out[i];
  }
}
