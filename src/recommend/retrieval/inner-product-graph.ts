/**
 * The tuning of an HNSW graph (Malkov & Yashunin, "Efficient and robust approximate nearest
 * neighbor search using Hierarchical Navigable Small World graphs", TPAMI 2018).
 */
export interface HnswParams {
  /** Links per node (the paper's M): recall and memory grow with it. */
  m: number;
  /** Beam width while inserting: graph quality against build time. */
  efConstruction: number;
  /** Beam width while searching: recall against query latency. */
  efSearch: number;
}

/**
 * One HNSW graph over raw inner product, labelled by item index: the part of an ANN library the
 * index uses. Its result order is approximate; callers recompute exact scores.
 */
export interface InnerProductGraph {
  /** Items in the graph (removed ones excluded). */
  readonly count: number;
  /** Adds the rows `indices` of `matrix` (row-major, `dims` wide) as new items. */
  addMany(indices: Int32Array, matrix: Float32Array): void;
  /** Adds an item, or replaces its vector when the label is already present. */
  add(index: number, vector: Float32Array): void;
  /** Removes an item so searches skip it. */
  remove(index: number): void;
  /** Labels of up to `k` approximate best items for `query`. */
  search(query: Float32Array, k: number): ArrayLike<number>;
  setEfSearch(ef: number): void;
  /** Writes the graph to a file (the background build hands graphs over through files). */
  save(path: string): Promise<void>;
}

/** An ANN library behind the graph interface. */
export interface GraphLibrary {
  readonly name: string;
  /** An empty graph for `dims`-dimensional rows with room for `capacity` items (it grows). */
  create(dims: number, capacity: number, params: HnswParams): InnerProductGraph;
  /** A graph written by `save`. */
  load(path: string, dims: number, params: HnswParams): Promise<InnerProductGraph>;
}
