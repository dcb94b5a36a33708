// `npm run bench:ann`: candidate retrieval on real hybrid embeddings (the simulated city).
//  - exact scan vs HNSW (hnswlib-node and usearch, one build thread each) at a few efSearch
//    values: build seconds, query latency (median, p99), recall@10 against the exact scan;
//  - design choices on 20k items: graph insertion order, and the MIPS→NN reduction;
//  - the crossover: exact scan vs the serving ANN on subsets of the catalogue;
//  - upsert latency of the serving ANN.
// The hybrid is trained once (≈ 4 min at 100k items) and kept in the temp directory.
// Flags: --items 100000  --queries 1000  --ef 16,32,64,128  --libraries hnswlib-node,usearch
// The machine is shared: compare rows of one run (medians, ratios), not runs of different days.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateCity } from "../src/data/city/generate.js";
import { loadDataset } from "../src/data/load-dataset.js";
import { Random } from "../src/math/random.js";
import { HybridModel } from "../src/models/hybrid/hybrid-model.js";
import { historyOf } from "../src/models/hybrid/validation-users.js";
import { loadModel } from "../src/models/model-kinds.js";
import { trainingDataOf } from "../src/models/training-data.js";
import { ANN_DEFAULTS, ANN_LIBRARY, AnnIndex } from "../src/recommend/retrieval/ann-index.js";
import { exactThreshold } from "../src/recommend/retrieval/build-index.js";
import { ExactIndex } from "../src/recommend/retrieval/exact-index.js";
import { HNSWLIB } from "../src/recommend/retrieval/hnswlib-graph.js";
import type {
  GraphLibrary,
  HnswParams,
  InnerProductGraph,
} from "../src/recommend/retrieval/inner-product-graph.js";
import { ItemRows } from "../src/recommend/retrieval/item-rows.js";
import type { VectorIndex } from "../src/recommend/retrieval/vector-index.js";
import { type BenchRow, median, printBench } from "./report.js";

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}
const items = Number(flag("items", "100000"));
const nQueries = Number(flag("queries", "1000"));
const efs = flag("ef", "16,32,64,128").split(",").map(Number);
const libraries = flag("libraries", "hnswlib-node,usearch").split(",");
const K = 10;
/** Temporary directories to remove at the end. */
const scratchDirs: string[] = [];

/** The hybrid of a city with `items` restaurants (2 users an item), trained once and cached. */
async function hybridOf(items: number): Promise<HybridModel> {
  const modelDir = join(tmpdir(), `palate-bench-hybrid-${items / 1000}k`);
  if (!existsSync(join(modelDir, "manifest.json"))) {
    const cityDir = join(tmpdir(), `palate-bench-city-${items / 1000}k`);
    if (!existsSync(join(cityDir, "city.json"))) {
      await generateCity({ users: 2 * items, restaurants: items, days: 28, seed: 42 }, cityDir);
    }
    const { dataset } = await loadDataset({ kind: "dataset", name: "city", path: cityDir });
    console.error(`training the hybrid on ${cityDir} (≈ 4 min at 100k items) …`);
    const model = new HybridModel();
    await model.fit(trainingDataOf(dataset));
    await model.save(modelDir);
  }
  return (await loadModel(modelDir)).model as HybridModel;
}

/** Queries of random training users, as serving builds them (their bucket's blend weights). */
function userQueries(hybrid: HybridModel, count: number): Float32Array[] {
  const { train, userMeta } = hybrid.learned;
  const random = new Random(42);
  return Array.from({ length: count }, () => {
    const u = random.int(train.nRows);
    return hybrid.queryFor(historyOf(train, u, userMeta[u]));
  });
}

/** Latency (each query timed alone, after a warm-up) and the top-10 of every query. */
function measure(index: VectorIndex, queries: Float32Array[]): { times: number[]; found: Int32Array[] } {
  for (const q of queries.slice(0, 20)) index.search(q, K);
  const times: number[] = [];
  const found = queries.map((q) => {
    const started = performance.now();
    const { indices } = index.search(q, K);
    times.push(performance.now() - started);
    return indices;
  });
  return { times, found };
}

function recallAt10(found: Int32Array[], truth: Int32Array[]): number {
  let hits = 0;
  found.forEach((f, q) => {
    const expected = new Set(truth[q]);
    for (const item of f) if (expected.has(item)) hits++;
  });
  return hits / (truth.length * K);
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))];
}

/**
 * usearch behind the graph interface, loaded only if installed (the library not chosen is
 * removed from package.json; reinstall it to re-run the comparison). Its binding fixes the
 * search beam at construction, so a new efSearch reopens the graph from a file.
 */
async function usearchLibrary(): Promise<GraphLibrary | null> {
  const name = "usearch";
  // biome-ignore lint/suspicious/noExplicitAny: an optional dependency without static types
  const lib: any = await import(name).catch(() => null);
  if (!lib) return null;
  const make = (dims: number, p: HnswParams) =>
    new lib.Index({
      dimensions: dims,
      metric: lib.MetricKind.IP,
      quantization: lib.ScalarKind.F32,
      connectivity: p.m,
      expansion_add: p.efConstruction,
      expansion_search: p.efSearch,
      multi: false,
    });
  const scratch = await mkdtemp(join(tmpdir(), "palate-bench-usearch-"));
  scratchDirs.push(scratch);
  let files = 0;
  const graph = (dims: number, params: HnswParams): InnerProductGraph => {
    let index = make(dims, params);
    return {
      get count() {
        return Number(index.size());
      },
      addMany(indices, matrix) {
        // Packed copies: the binding ignores a typed array's byte offset (field notes).
        const packed = new Float32Array(indices.length * dims);
        indices.forEach((i, r) => {
          packed.set(matrix.subarray(i * dims, (i + 1) * dims), r * dims);
        });
        if (indices.length > 0) index.add(BigUint64Array.from(indices, BigInt), packed, 1);
      },
      add(i, vector) {
        if (index.contains(BigInt(i))) index.remove(BigInt(i));
        index.add(BigInt(i), vector.slice(), 1);
      },
      remove(i) {
        index.remove(BigInt(i));
      },
      search(query, k) {
        if (index.size() === 0) return [];
        return Array.from(index.search(query.slice(), k, 1).keys as BigUint64Array, Number);
      },
      setEfSearch(ef) {
        const file = join(scratch, `graph-${files++}`);
        index.save(file);
        index = make(dims, { ...params, efSearch: ef });
        index.load(file);
      },
      async save(path) {
        index.save(path);
      },
    };
  };
  return {
    name: "usearch",
    create: (dims, _capacity, params) => graph(dims, params),
    load: async () => {
      throw new Error("not needed by the bench");
    },
  };
}

/** 0 … n − 1: graph insertion in index order. */
const inIndexOrder = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/**
 * The MIPS→nearest-neighbour reduction: rows padded with √(M² − ‖x‖²) all have norm M, so an
 * inner-product graph over them is a cosine/L2 graph, and queries padded with 0 keep q · x.
 */
function reductionIndex(source: ItemRows): VectorIndex {
  const d = source.dims + 1;
  const norms = Float64Array.from({ length: source.size }, (_, i) => source.norm(i));
  const longest = norms.reduce((a, b) => Math.max(a, b), 0);
  const padded = new Float32Array(source.size * d);
  for (let i = 0; i < source.size; i++) {
    padded.set(source.row(i), i * d);
    padded[i * d + source.dims] = Math.sqrt(Math.max(0, longest * longest - norms[i] * norms[i]));
  }
  const graph = ANN_LIBRARY.create(d, source.size, ANN_DEFAULTS);
  graph.addMany(inIndexOrder(source.size), padded);
  const ann = AnnIndex.fromGraph(new ItemRows(padded, source.size, d), ANN_LIBRARY, graph);
  const q = new Float32Array(d);
  return {
    size: source.size,
    dims: source.dims,
    search(query, k) {
      q.set(query);
      return ann.search(q, k);
    },
    upsert() {
      throw new Error("not needed by the bench");
    },
  };
}

const loadStarted = performance.now();
const hybrid = await hybridOf(items);
const { matrix, dims } = hybrid.itemVectors;
const nItems = matrix.length / dims;
const queries = userQueries(hybrid, nQueries);
const loadSeconds = (performance.now() - loadStarted) / 1000;
const rows = new ItemRows(matrix, nItems, dims);

/** One table row: latency and recall of `index` against `truth`. */
function row(index: VectorIndex, truth: Int32Array[], baselineMs: number, fields: BenchRow): BenchRow {
  const run = measure(index, queries);
  const medianMs = median(run.times);
  const out = {
    ...fields,
    medianMs,
    p99Ms: p99(run.times),
    recall10: recallAt10(run.found, truth),
    speedup: baselineMs / medianMs,
  };
  console.error(JSON.stringify(out));
  return out;
}

function timed<T>(build: () => T): { value: T; seconds: number } {
  const started = performance.now();
  const value = build();
  return { value, seconds: (performance.now() - started) / 1000 };
}

// 1. The libraries at a few beam widths against the exact scan, on the whole catalogue.
const exact = measure(new ExactIndex(rows), queries);
const truth = exact.found;
const exactMs = median(exact.times);
const exactRow = { index: "exact scan", ef: null, buildS: 0, medianMs: exactMs, p99Ms: p99(exact.times) };
const table: BenchRow[] = [{ ...exactRow, recall10: 1, speedup: 1 }];
let serving: AnnIndex | null = null;
for (const name of libraries) {
  const library = name === "usearch" ? await usearchLibrary() : name === HNSWLIB.name ? HNSWLIB : null;
  if (!library) {
    table.push({ index: `${name} (not installed)` });
    continue;
  }
  const built = timed(() => AnnIndex.build(new ItemRows(matrix, nItems, dims), ANN_DEFAULTS, library));
  for (const ef of efs) {
    built.value.setEfSearch(ef);
    table.push(row(built.value, truth, exactMs, { index: library.name, ef, buildS: built.seconds }));
  }
  if (library === ANN_LIBRARY) serving = built.value;
}
printBench(`candidate retrieval, ${nItems.toLocaleString("en-US")} items × ${dims} dims`, table, {
  items: nItems,
  dims,
  queries: nQueries,
  k: K,
  m: ANN_DEFAULTS.m,
  efConstruction: ANN_DEFAULTS.efConstruction,
  buildThreads: 1,
  loadSeconds,
});

// 2. Design choices on 20k items (the serving library, efSearch 64): insertion order, and the
// MIPS→NN reduction as an inner-product graph over rows padded to one norm M.
const n20 = Math.min(20_000, nItems);
const rows20 = new ItemRows(matrix, n20, dims);
const exact20 = measure(new ExactIndex(rows20), queries);
const variants: [string, () => VectorIndex][] = [
  ["inner product, shortest first (serving)", () => AnnIndex.build(rows20, ANN_DEFAULTS)],
  [
    "inner product, index order",
    () => {
      const graph = ANN_LIBRARY.create(dims, n20, ANN_DEFAULTS);
      graph.addMany(inIndexOrder(n20), matrix);
      return AnnIndex.fromGraph(rows20, ANN_LIBRARY, graph);
    },
  ],
  ["MIPS→NN reduction (+1 coordinate)", () => reductionIndex(rows20)],
];
const design = variants.map(([graph, build]) => {
  const built = timed(build);
  return row(built.value, exact20.found, median(exact20.times), { graph, buildS: built.seconds });
});
printBench(
  `HNSW design choices, ${n20.toLocaleString("en-US")} items, efSearch ${ANN_DEFAULTS.efSearch}`,
  design,
);

// 3. Where the exact scan stops paying: both on the first n items of the same matrix.
const crossover: BenchRow[] = [];
for (const n of [1_000, 2_000, 5_000, 10_000, 20_000].filter((n) => n <= nItems)) {
  const sub = measure(new ExactIndex(new ItemRows(matrix, n, dims)), queries);
  const built = timed(() => AnnIndex.build(new ItemRows(matrix, n, dims), ANN_DEFAULTS));
  const r = row(built.value, sub.found, median(sub.times), { items: n, exactMs: median(sub.times) });
  crossover.push({ ...r, annBuildS: built.seconds, chosen: n < exactThreshold(dims) ? "exact" : "ann" });
}
printBench(`exact scan vs ANN (defaults) by catalogue size, ${dims} dims`, crossover, { dims });

// 4. Upserts into the serving ANN: perturbed copies of existing rows, appended one by one.
if (serving) {
  serving.setEfSearch(ANN_DEFAULTS.efSearch);
  const random = new Random(7);
  const times: number[] = [];
  for (let n = 0; n < 200; n++) {
    const vector = rows.row(random.int(nItems)).map((v) => v * (1 + 0.1 * random.normal()));
    const started = performance.now();
    serving.upsert(nItems + n, vector);
    times.push(performance.now() - started);
  }
  printBench("upsert of a new item into the serving ANN", [
    // The first upsert copies the model's matrix (copy on write): that is the max.
    { upserts: times.length, medianMs: median(times), p99Ms: p99(times), maxMs: Math.max(...times) },
  ]);
}
for (const dir of scratchDirs) await rm(dir, { recursive: true, force: true });
