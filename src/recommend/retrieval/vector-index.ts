/** The best items for one query, best first: parallel arrays of item indices and exact scores. */
export interface SearchResult {
  indices: Int32Array;
  /** Exact inner products q · x_i, recomputed in float32 rows even when an ANN found the item. */
  scores: Float32Array;
}

/**
 * Candidate retrieval over the hybrid's one item matrix: maximum inner product search (scores are
 * q · x_i, not cosine; rows have different norms). Implemented by an exact scan and by HNSW.
 *
 * There is no `remove`: deleted items stay in the index and the serving filters drop them (the
 * catalogue keeps a deleted flag), so callers ask for `k` plus the number of deleted items. A
 * retrain rebuilds the index without them, and an update of a deleted id re-uses its index.
 */
export interface VectorIndex {
  /** Items the index holds (indices 0 … size − 1). */
  readonly size: number;
  readonly dims: number;
  /**
   * The top `k` items by inner product with `query` (dims values), best first; fewer than `k`
   * when the index holds fewer items. Ties rank the lower index first.
   */
  search(query: Float32Array, k: number): SearchResult;
  /**
   * Adds an item (`index === size` appends) or replaces the vector of an existing one; the
   * vector is copied. New items are findable by the next search.
   */
  upsert(index: number, vector: Float32Array): void;
}
