import { PalateError } from "../../core/errors.js";
import { checkQuery, drain, emptyResult, HeapCache, scanTopK } from "./exact-index.js";
import { HNSWLIB } from "./hnswlib-graph.js";
import type { GraphLibrary, HnswParams, InnerProductGraph } from "./inner-product-graph.js";
import type { ItemRows } from "./item-rows.js";
import type { SearchResult, VectorIndex } from "./vector-index.js";

/**
 * HNSW defaults chosen by `npm run bench:ann` on the hybrid of a 100k-restaurant city: at
 * efSearch 32 recall@10 was 0.977 (bar 0.95) in 59 µs a query, against 0.996 in 86 µs at 64; the
 * serving path also over-fetches (k + 20) and re-scores exactly, which only adds recall.
 */
export const ANN_DEFAULTS: HnswParams = { m: 16, efConstruction: 128, efSearch: 32 };

/** The ANN library of the index, chosen by `npm run bench:ann` (recall and latency). */
export const ANN_LIBRARY: GraphLibrary = HNSWLIB;

/**
 * Approximate maximum inner product search: one HNSW graph (Malkov & Yashunin, 2018) over raw
 * inner product, its candidates re-scored exactly from the float32 rows.
 *
 * Rows are inserted shortest first. The hybrid's row norms span two orders of magnitude, and a
 * graph built in index order links every node mostly to long rows, stranding short rows that
 * still win for some queries: on the city's hybrid (20k items, 407 dims, efSearch 64) recall@10
 * was 0.93 in index order and 0.997 shortest first, which also halved query time (bench:ann).
 * Short rows link among themselves before the long ones arrive. The MIPS→nearest-neighbour
 * reduction (one extra coordinate √(M² − ‖x‖²), then a cosine/L2 graph) reached only 0.25: the
 * extra coordinate swamps the rest when norms vary this much.
 */
export class AnnIndex implements VectorIndex {
  readonly rows: ItemRows;
  readonly library: GraphLibrary;
  private readonly graph: InnerProductGraph;
  private readonly heaps = new HeapCache();

  private constructor(rows: ItemRows, library: GraphLibrary, graph: InnerProductGraph) {
    this.rows = rows;
    this.library = library;
    this.graph = graph;
  }

  /** Builds the graph on this thread: ≈ 0.4 ms an item at 407 dims (39 s for 100k, bench:ann). */
  static build(rows: ItemRows, params: HnswParams = ANN_DEFAULTS, library = ANN_LIBRARY): AnnIndex {
    checkHnswParams(params);
    // Headroom for items added at serve time: growing a full graph copies all of it.
    const graph = library.create(rows.dims, rows.size + Math.max(1024, rows.size >> 3), params);
    graph.addMany(shortestFirst(rows), rows.matrix);
    return new AnnIndex(rows, library, graph);
  }

  /**
   * An index over a graph built elsewhere (a worker thread, a benchmark) from the first rows of
   * `rows`; rows added since must be upserted before it serves.
   */
  static fromGraph(rows: ItemRows, library: GraphLibrary, graph: InnerProductGraph): AnnIndex {
    if (graph.count > rows.size) {
      throw new PalateError(`ann index: the graph holds ${graph.count} items, the rows only ${rows.size}`);
    }
    return new AnnIndex(rows, library, graph);
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
    if (!top) return emptyResult();
    // A beam as wide as k scores roughly 2·M·k rows (M = 16): past size / 32 a scan costs no more.
    if (top.k * 32 >= this.rows.size) return scanTopK(this.rows, query, top);
    const labels = this.graph.search(query, top.k);
    for (let c = 0; c < labels.length; c++) top.push(labels[c], this.rows.dot(labels[c], query));
    return drain(top, Math.min(labels.length, top.k));
  }

  upsert(index: number, vector: Float32Array): void {
    this.rows.set(index, vector);
    this.graph.add(index, this.rows.row(index));
  }

  /** Sets the search beam width (recall against latency). */
  setEfSearch(ef: number): void {
    this.graph.setEfSearch(ef);
  }

  /** Writes the graph to a file (the background build hands it over this way). */
  save(path: string): Promise<void> {
    return this.graph.save(path);
  }
}

/** Item indices by ascending row norm: the insertion order of the graph (see AnnIndex). */
export function shortestFirst(rows: ItemRows): Int32Array {
  const norms = new Float64Array(rows.size);
  for (let i = 0; i < rows.size; i++) norms[i] = rows.norm(i);
  return Int32Array.from(norms.keys()).sort((a, b) => norms[a] - norms[b] || a - b);
}

/** Throws unless the HNSW params are usable. */
export function checkHnswParams(p: HnswParams): void {
  const ok = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
  if (!ok(p.m, 2, 256) || !ok(p.efConstruction, 1, 1 << 16) || !ok(p.efSearch, 1, 1 << 16)) {
    throw new PalateError(`ann index: bad HNSW params ${JSON.stringify(p)}`);
  }
}
