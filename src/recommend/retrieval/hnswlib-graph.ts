import hnswlib from "hnswlib-node";
import type { GraphLibrary, HnswParams, InnerProductGraph } from "./inner-product-graph.js";

/** The random seed of level assignment: the same rows build the same graph. */
const SEED = 100;

/** An HNSW graph of hnswlib-node (the reference HNSW implementation) in its inner-product space. */
export class HnswlibGraph implements InnerProductGraph {
  private readonly index: hnswlib.HierarchicalNSW;
  private readonly dims: number;
  /** 1 for labels in the graph: hnswlib counts removed labels too. */
  private live: Uint8Array;
  private liveCount = 0;
  private readonly queryScratch: number[];

  private constructor(index: hnswlib.HierarchicalNSW, dims: number, live: Uint8Array, liveCount: number) {
    this.index = index;
    this.dims = dims;
    this.live = live;
    this.liveCount = liveCount;
    // Filled with a non-integer so V8 keeps it as an array of doubles from the start.
    this.queryScratch = new Array<number>(dims).fill(0.5);
  }

  /** An empty graph; `capacity` is a hint (the graph doubles when full). */
  static create(dims: number, capacity: number, params: HnswParams): HnswlibGraph {
    const index = new hnswlib.HierarchicalNSW("ip", dims);
    index.initIndex({
      maxElements: Math.max(16, capacity),
      m: params.m,
      efConstruction: params.efConstruction,
      randomSeed: SEED,
    });
    index.setEf(params.efSearch);
    return new HnswlibGraph(index, dims, new Uint8Array(16), 0);
  }

  /** A graph written by `save` (saved graphs hold no removed labels: they are saved after a build). */
  static async load(path: string, dims: number, params: HnswParams): Promise<HnswlibGraph> {
    const index = new hnswlib.HierarchicalNSW("ip", dims);
    await index.readIndex(path);
    index.setEf(params.efSearch);
    const labels = index.getIdsList();
    const live = new Uint8Array(Math.max(16, (labels.reduce((a, b) => Math.max(a, b), -1) + 1) * 2));
    for (const label of labels) live[label] = 1;
    return new HnswlibGraph(index, dims, live, labels.length);
  }

  get count(): number {
    return this.liveCount;
  }

  addMany(indices: Int32Array, matrix: Float32Array): void {
    for (const i of indices) this.add(i, matrix.subarray(i * this.dims, (i + 1) * this.dims));
  }

  add(index: number, vector: Float32Array): void {
    if (this.index.getCurrentCount() >= this.index.getMaxElements()) {
      this.index.resizeIndex(this.index.getMaxElements() * 2);
    }
    // hnswlib-node reads plain arrays only; an existing label is updated in place.
    this.index.addPoint(Array.from(vector), index);
    if (index >= this.live.length) {
      const grown = new Uint8Array(Math.max(index + 1, this.live.length * 2));
      grown.set(this.live);
      this.live = grown;
    }
    if (this.live[index] === 0) {
      this.live[index] = 1;
      this.liveCount++;
    }
  }

  remove(index: number): void {
    if (this.live[index] !== 1) return;
    this.index.markDelete(index);
    this.live[index] = 0;
    this.liveCount--;
  }

  search(query: Float32Array, k: number): ArrayLike<number> {
    if (this.liveCount === 0 || k <= 0) return [];
    // hnswlib-node reads plain arrays only. Array.from(Float32Array) goes through the iterator
    // protocol and was 7% of a saturated server's CPU (and 30 KB of garbage a request): copy
    // into one reused array of doubles instead.
    const plain = this.queryScratch;
    for (let j = 0; j < this.dims; j++) plain[j] = query[j];
    return this.index.searchKnn(plain, Math.min(k, this.index.getMaxElements())).neighbors;
  }

  setEfSearch(ef: number): void {
    this.index.setEf(ef);
  }

  async save(path: string): Promise<void> {
    await this.index.writeIndex(path);
  }
}

/** hnswlib-node as the ANN library of the index. */
export const HNSWLIB: GraphLibrary = {
  name: "hnswlib-node",
  create: (dims, capacity, params) => HnswlibGraph.create(dims, capacity, params),
  load: (path, dims, params) => HnswlibGraph.load(path, dims, params),
};
