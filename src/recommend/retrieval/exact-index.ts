import { PalateError } from "../../core/errors.js";
import { TopK } from "../../math/top-k.js";
import { dotRow, type ItemRows } from "./item-rows.js";
import type { SearchResult, VectorIndex } from "./vector-index.js";

/**
 * Exact maximum inner product search: a scan of every row with a bounded heap. The reference the
 * ANN is measured against, and the index of small catalogues, where the scan is cheaper than a
 * graph to build and keep.
 */
export class ExactIndex implements VectorIndex {
  readonly rows: ItemRows;
  private readonly heaps = new HeapCache();

  constructor(rows: ItemRows) {
    this.rows = rows;
  }

  get size(): number {
    return this.rows.size;
  }

  get dims(): number {
    return this.rows.dims;
  }

  search(query: Float32Array, k: number): SearchResult {
    checkQuery(query, k, this.rows.dims);
    const top = this.heaps.get(Math.min(k, this.rows.size));
    return top ? scanTopK(this.rows, query, top) : emptyResult();
  }

  upsert(index: number, vector: Float32Array): void {
    this.rows.set(index, vector);
  }
}

/** The exact top of every row into `top` (capacity ≤ size), drained best first. */
export function scanTopK(rows: ItemRows, query: Float32Array, top: TopK): SearchResult {
  const n = rows.size;
  const matrix = rows.matrix;
  const d = rows.dims;
  for (let i = 0; i < n; i++) {
    const s = dotRow(matrix, i * d, query, d);
    if (s >= top.threshold) top.push(i, s);
  }
  return drain(top, top.k);
}

/** Validates a search's arguments once at the public entry (the kernels do no checks). */
export function checkQuery(query: Float32Array, k: number, dims: number): void {
  if (query.length !== dims)
    throw new PalateError(`search: query has ${query.length} values, expected ${dims}`);
  if (!Number.isInteger(k) || k < 0) throw new PalateError(`search: k must be an integer ≥ 0, got ${k}`);
}

/** Reuses one heap per k: serving asks the same k again and again, so searches do not allocate it. */
export class HeapCache {
  private heap: TopK | null = null;

  /** A reset heap of capacity `k`, or null for k = 0. */
  get(k: number): TopK | null {
    if (k <= 0) return null;
    if (this.heap?.k !== k) this.heap = new TopK(k);
    this.heap.reset();
    return this.heap;
  }
}

/** Empties `top` into a result of its first `count` (≤ k) entries, best first. */
export function drain(top: TopK, count: number): SearchResult {
  const indices = new Int32Array(top.k);
  const scores = new Float32Array(top.k);
  top.drainInto(indices, scores, 0);
  if (count === top.k) return { indices, scores };
  return { indices: indices.slice(0, count), scores: scores.slice(0, count) };
}

/** A result with no items. */
export function emptyResult(): SearchResult {
  return { indices: new Int32Array(0), scores: new Float32Array(0) };
}
