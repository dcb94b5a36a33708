/*
 * The sparse half of an implicit-ALS system (Hu, Koren & Volinsky 2008): for one row u with
 * stored entries e (column i_e, value r_e), confidence c_e = base + α·r_e and preference 1
 * (base 1 is the paper's c = 1 + α·r; base 0 is `implicit`'s c = α·r). Only
 * these entries differ from the shared Gram matrix YᵀY, so every product with
 * Yᵀ(C_u − I)Y costs O(nnz_u · k) instead of O(items · k).
 *
 * Inner kernel: typed arrays, explicit dimensions, no checks or allocation.
 */

/**
 * Adds Σ_e s_e · y_{i_e} into `out[outOff..outOff+k)`, where t_e = y_{i_e} · v and
 * s_e = bias · c_e + sign · (c_e − 1) · t_e:
 * - bias 0, sign +1 gives Yᵀ(C_u − I)Y·v (the sparse part of A·v in a CG step);
 * - bias 1, sign −1 gives Yᵀ C_u p_u − Yᵀ(C_u − I)Y·v (the sparse part of the residual b − A·v).
 * Eight (then four) entries are processed together so their dot products and updates overlap in
 * registers (measured ≈ 2× the one-at-a-time loop). Each row's entries are grouped from its own
 * start, so the result does not depend on how rows are split between threads.
 */
export function addConfidenceTerms(
  y: Float32Array,
  k: number,
  indices: Int32Array,
  values: Float32Array,
  start: number,
  end: number,
  alpha: number,
  base: number,
  bias: number,
  sign: number,
  v: Float64Array,
  vOff: number,
  out: Float64Array,
  outOff: number,
): void {
  let e = start;
  for (; e + 8 <= end; e += 8) {
    const y0 = indices[e] * k;
    const y1 = indices[e + 1] * k;
    const y2 = indices[e + 2] * k;
    const y3 = indices[e + 3] * k;
    const y4 = indices[e + 4] * k;
    const y5 = indices[e + 5] * k;
    const y6 = indices[e + 6] * k;
    const y7 = indices[e + 7] * k;
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    let t4 = 0;
    let t5 = 0;
    let t6 = 0;
    let t7 = 0;
    for (let a = 0; a < k; a++) {
      const va = v[vOff + a];
      t0 += y[y0 + a] * va;
      t1 += y[y1 + a] * va;
      t2 += y[y2 + a] * va;
      t3 += y[y3 + a] * va;
      t4 += y[y4 + a] * va;
      t5 += y[y5 + a] * va;
      t6 += y[y6 + a] * va;
      t7 += y[y7 + a] * va;
    }
    const s0 = weight(values[e], alpha, base, bias, sign, t0);
    const s1 = weight(values[e + 1], alpha, base, bias, sign, t1);
    const s2 = weight(values[e + 2], alpha, base, bias, sign, t2);
    const s3 = weight(values[e + 3], alpha, base, bias, sign, t3);
    const s4 = weight(values[e + 4], alpha, base, bias, sign, t4);
    const s5 = weight(values[e + 5], alpha, base, bias, sign, t5);
    const s6 = weight(values[e + 6], alpha, base, bias, sign, t6);
    const s7 = weight(values[e + 7], alpha, base, bias, sign, t7);
    for (let a = 0; a < k; a++) {
      out[outOff + a] +=
        s0 * y[y0 + a] +
        s1 * y[y1 + a] +
        s2 * y[y2 + a] +
        s3 * y[y3 + a] +
        s4 * y[y4 + a] +
        s5 * y[y5 + a] +
        s6 * y[y6 + a] +
        s7 * y[y7 + a];
    }
  }
  for (; e + 4 <= end; e += 4) {
    const y0 = indices[e] * k;
    const y1 = indices[e + 1] * k;
    const y2 = indices[e + 2] * k;
    const y3 = indices[e + 3] * k;
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (let a = 0; a < k; a++) {
      const va = v[vOff + a];
      t0 += y[y0 + a] * va;
      t1 += y[y1 + a] * va;
      t2 += y[y2 + a] * va;
      t3 += y[y3 + a] * va;
    }
    const s0 = weight(values[e], alpha, base, bias, sign, t0);
    const s1 = weight(values[e + 1], alpha, base, bias, sign, t1);
    const s2 = weight(values[e + 2], alpha, base, bias, sign, t2);
    const s3 = weight(values[e + 3], alpha, base, bias, sign, t3);
    for (let a = 0; a < k; a++) {
      out[outOff + a] += s0 * y[y0 + a] + s1 * y[y1 + a] + s2 * y[y2 + a] + s3 * y[y3 + a];
    }
  }
  for (; e < end; e++) {
    const y0 = indices[e] * k;
    let t = 0;
    for (let a = 0; a < k; a++) t += y[y0 + a] * v[vOff + a];
    const s = weight(values[e], alpha, base, bias, sign, t);
    for (let a = 0; a < k; a++) out[outOff + a] += s * y[y0 + a];
  }
}

/** s_e for value r, the entry's dot product t and the kernel's mode (see addConfidenceTerms). */
function weight(r: number, alpha: number, base: number, bias: number, sign: number, t: number): number {
  const d = base - 1 + alpha * r;
  return bias * (1 + d) + sign * d * t;
}
