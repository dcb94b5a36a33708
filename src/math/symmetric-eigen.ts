/**
 * Eigen-decomposition of a small dense symmetric matrix by cyclic Jacobi rotations. Each rotation
 * zeroes one off-diagonal pair; sweeps repeat until the off-diagonal mass is negligible. O(n³) a
 * sweep and ~6–10 sweeps: meant for the l × l projected matrices of a subspace iteration (l in the
 * hundreds), where its simplicity and accuracy beat a faster but subtler QR algorithm.
 */

/** Eigenvalues (descending) and eigenvectors as the columns of a row-major n × n matrix. */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array;
}

/** Decomposes the symmetric row-major `matrix` (n × n; left untouched). */
export function symmetricEigen(matrix: Float64Array, n: number, maxSweeps = 50): SymmetricEigen {
  if (matrix.length !== n * n) throw new RangeError(`matrix holds ${matrix.length} values, expected ${n}²`);
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += a[i] * a[i];
  const tolerance = 1e-22 * scale;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off <= tolerance) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq * apq <= 1e-30 * scale) continue;
        rotate(a, v, n, p, q);
      }
    }
  }
  return sortDescending(a, v, n);
}

/** One Jacobi rotation in the (p, q) plane that zeroes a[p][q]; accumulates it into v. */
function rotate(a: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = a[p * n + q];
  const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
  // The smaller root of t² + 2θt − 1 = 0 keeps the rotation angle ≤ π/4 (stable).
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    const akp = a[k * n + p];
    const akq = a[k * n + q];
    a[k * n + p] = c * akp - s * akq;
    a[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = a[p * n + k];
    const aqk = a[q * n + k];
    a[p * n + k] = c * apk - s * aqk;
    a[q * n + k] = s * apk + c * aqk;
  }
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p];
    const vkq = v[k * n + q];
    v[k * n + p] = c * vkp - s * vkq;
    v[k * n + q] = s * vkp + c * vkq;
  }
}

function sortDescending(a: Float64Array, v: Float64Array, n: number): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y] - a[x * n + x]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    values[to] = a[from * n + from];
    for (let k = 0; k < n; k++) vectors[k * n + to] = v[k * n + from];
  });
  return { values, vectors };
}
