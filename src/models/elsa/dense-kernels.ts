/*
 * Dense kernels of ELSA's training step, on row-major typed arrays with explicit dimensions and
 * an `out` buffer: no checks, no allocation (the trainer checks shapes once).
 */

/**
 * Writes the rows of `w` (n × d) scaled to unit L2 norm into `a`, and each row's original norm into
 * `norms`. A zero row stays zero (its norm is recorded as 0).
 */
export function normalizeRows(
  w: Float32Array,
  n: number,
  d: number,
  a: Float32Array,
  norms: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += w[row + j] * w[row + j];
    const norm = Math.sqrt(s);
    norms[i] = norm;
    const inv = norm > 0 ? 1 / norm : 0;
    for (let j = 0; j < d; j++) a[row + j] = w[row + j] * inv;
  }
}

/**
 * The Gram matrix `out = aᵀa` (d × d, both triangles) of `a` (n × d); `at` (d × n) is scratch for
 * the transpose, so every entry is a dot product of two contiguous rows of length n.
 */
export function gram(a: Float32Array, n: number, d: number, at: Float32Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) at[j * n + i] = a[i * d + j];
  for (let j = 0; j < d; j++) {
    const rj = j * n;
    let k = 0;
    // Four dots per pass share the loads of row j (the lower triangle only: the matrix is symmetric).
    for (; k + 3 <= j; k += 4) {
      const r0 = k * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < n; i++) {
        const v = at[rj + i];
        s0 += v * at[r0 + i];
        s1 += v * at[r1 + i];
        s2 += v * at[r2 + i];
        s3 += v * at[r3 + i];
      }
      out[j * d + k] = s0;
      out[j * d + k + 1] = s1;
      out[j * d + k + 2] = s2;
      out[j * d + k + 3] = s3;
    }
    for (; k <= j; k++) {
      const rk = k * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += at[rj + i] * at[rk + i];
      out[j * d + k] = s;
    }
  }
  for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) out[k * d + j] = out[j * d + k];
}

/** `out = a·m` (or `out += a·m` when `accumulate`) for `a` (n × d) and a symmetric `m` (d × d). */
export function multiplySymmetric(
  a: Float32Array,
  n: number,
  d: number,
  m: Float64Array,
  out: Float32Array,
  accumulate = false,
): void {
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let k = 0;
    // With m symmetric, entry (i, k) is the dot of row i of a with row k of m, both contiguous;
    // four at a time share the loads of row i.
    for (; k + 4 <= d; k += 4) {
      const r0 = k * d;
      const r1 = r0 + d;
      const r2 = r1 + d;
      const r3 = r2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < d; j++) {
        const v = a[row + j];
        s0 += v * m[r0 + j];
        s1 += v * m[r1 + j];
        s2 += v * m[r2 + j];
        s3 += v * m[r3 + j];
      }
      if (accumulate) {
        out[row + k] += s0;
        out[row + k + 1] += s1;
        out[row + k + 2] += s2;
        out[row + k + 3] += s3;
      } else {
        out[row + k] = s0;
        out[row + k + 1] = s1;
        out[row + k + 2] = s2;
        out[row + k + 3] = s3;
      }
    }
    for (; k < d; k++) {
      const rk = k * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += a[row + j] * m[rk + j];
      out[row + k] = accumulate ? out[row + k] + s : s;
    }
  }
}

/**
 * Projects the gradient `g` (n × d) with respect to the normalised rows `a` back onto the raw rows
 * of w = diag(norms)·a, in place: g_i ← (g_i − a_i (a_i·g_i)) / ‖w_i‖.
 */
export function backThroughNormalization(
  g: Float32Array,
  a: Float32Array,
  norms: Float64Array,
  n: number,
  d: number,
): void {
  for (let i = 0; i < n; i++) {
    const row = i * d;
    const norm = norms[i];
    if (norm === 0) {
      for (let j = 0; j < d; j++) g[row + j] = 0;
      continue;
    }
    let dot = 0;
    for (let j = 0; j < d; j++) dot += a[row + j] * g[row + j];
    const inv = 1 / norm;
    for (let j = 0; j < d; j++) g[row + j] = (g[row + j] - a[row + j] * dot) * inv;
  }
}
