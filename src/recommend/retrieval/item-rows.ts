import { PalateError } from "../../core/errors.js";

/**
 * The item matrix an index scores against (row-major float32, size × dims), growable for items
 * added at serve time. It starts as a view of the caller's matrix and copies it on the first
 * write, so loading a model costs no copy and the model's own matrix is never mutated.
 */
export class ItemRows {
  readonly dims: number;
  private data: Float32Array;
  private count: number;
  private owned = false;

  constructor(matrix: Float32Array, nItems: number, dims: number) {
    if (!Number.isInteger(dims) || dims < 1)
      throw new PalateError(`item rows: dims must be ≥ 1, got ${dims}`);
    if (!Number.isInteger(nItems) || nItems < 0 || matrix.length < nItems * dims) {
      throw new PalateError(
        `item rows: ${nItems} × ${dims} does not fit a matrix of ${matrix.length} values`,
      );
    }
    this.dims = dims;
    this.data = matrix;
    this.count = nItems;
  }

  get size(): number {
    return this.count;
  }

  /** The backing storage (at least size × dims values; rows past `size` are unused). */
  get matrix(): Float32Array {
    return this.data;
  }

  /** Row `index` as a view (valid until the next write that grows the storage). */
  row(index: number): Float32Array {
    return this.data.subarray(index * this.dims, (index + 1) * this.dims);
  }

  /** Writes row `index` (≤ size; equal appends), copying the matrix on the first write. */
  set(index: number, vector: Float32Array): void {
    if (!Number.isInteger(index) || index < 0 || index > this.count) {
      throw new PalateError(`item rows: index ${index} is outside 0 … ${this.count} (append at size)`);
    }
    if (vector.length !== this.dims) {
      throw new PalateError(`item rows: vector has ${vector.length} values, expected ${this.dims}`);
    }
    const needed = Math.max(index + 1, this.count) * this.dims;
    if (!this.owned || needed > this.data.length) {
      // Doubling keeps a stream of appends amortised O(dims) each; the first copy leaves room
      // for size / 8 (at least 1,024) new items, so serving does not copy the matrix twice soon.
      const headroom = Math.max(1024, this.count >> 3) * this.dims;
      const capacity = Math.max(
        needed,
        this.owned ? this.data.length * 2 : this.count * this.dims + headroom,
      );
      const grown = new Float32Array(capacity);
      grown.set(this.data.subarray(0, this.count * this.dims));
      this.data = grown;
      this.owned = true;
    }
    this.data.set(vector, index * this.dims);
    if (index === this.count) this.count++;
  }

  /** The inner product of row `index` with `query`. */
  dot(index: number, query: Float32Array): number {
    return dotRow(this.data, index * this.dims, query, this.dims);
  }

  /** The Euclidean norm of row `index`. */
  norm(index: number): number {
    const start = index * this.dims;
    return Math.sqrt(dotRow(this.data, start, this.data.subarray(start, start + this.dims), this.dims));
  }
}

/** Inner product of `matrix[offset … offset + dims)` with `query`; no checks (inner kernel). */
export function dotRow(matrix: Float32Array, offset: number, query: Float32Array, dims: number): number {
  // Four accumulators break the add dependency chain: measured ≈ 1.2× faster than one at 400 dims.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  const end4 = dims - (dims & 3);
  for (; j < end4; j += 4) {
    s0 += matrix[offset + j] * query[j];
    s1 += matrix[offset + j + 1] * query[j + 1];
    s2 += matrix[offset + j + 2] * query[j + 2];
    s3 += matrix[offset + j + 3] * query[j + 3];
  }
  for (; j < dims; j++) s0 += matrix[offset + j] * query[j];
  return s0 + s1 + s2 + s3;
}
