// Cleora: seconds per propagation step on synthetic graphs (default), or nDCG@10 on
// movielens-latest-small over a grid of settings (--quality). Run:
//   node --import tsx bench/cleora.ts [--users N --items N --edges 1000000,5000000,20000000 --threads N]
//   node --import tsx bench/cleora.ts --quality [--data ../shared/data/movielens-latest-small]
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { buildCsr } from "../src/core/csr.js";
import { IdDictionary } from "../src/core/id-dictionary.js";
import { loadDataset } from "../src/data/load-dataset.js";
import { coldItemSplit } from "../src/evaluation/cold-item-split.js";
import { evaluate } from "../src/evaluation/evaluate.js";
import { stratifiedSplit } from "../src/evaluation/stratified-split.js";
import { Random } from "../src/math/random.js";
import { CleoraModel } from "../src/models/cleora/cleora-model.js";
import type { CleoraOptions } from "../src/models/cleora/cleora-options.js";
import type { TrainingData } from "../src/models/recommender.js";
import { trainingDataOf } from "../src/models/training-data.js";
import { type BenchRow, median, printBench } from "./report.js";

/** Sizes of the speed benchmark. */
export interface CleoraSpeedOptions {
  users?: number;
  items?: number;
  /** Edge counts to time, one graph each (same users and items). */
  edges?: number[];
  dimensions?: number;
  iterations?: number;
  threads?: number;
}

/**
 * A synthetic user × item graph: users uniform, items power-law (the top 10% of items hold about
 * half the edges) and shuffled; ids are plain strings, so hashing costs what it would in use.
 */
export function syntheticGraph(nUsers: number, nItems: number, nEdges: number, seed: number): TrainingData {
  const rng = new Random(seed);
  const perm = rng.shuffle(Int32Array.from({ length: nItems }, (_, i) => i));
  const rows = new Int32Array(nEdges);
  const cols = new Int32Array(nEdges);
  for (let e = 0; e < nEdges; e++) {
    rows[e] = rng.int(nUsers);
    cols[e] = perm[Math.floor(nItems * rng.next() ** 3)];
  }
  const values = new Float32Array(nEdges).fill(1);
  const matrix = buildCsr({ length: nEdges, rows, cols, values }, nUsers, nItems);
  return {
    matrix,
    users: IdDictionary.from(Array.from({ length: nUsers }, (_, u) => `user-${u}`)),
    items: IdDictionary.from(Array.from({ length: nItems }, (_, i) => `item-${i}`)),
    itemMeta: [],
    userMeta: [],
    source: `synthetic-${nEdges}`,
  };
}

/** Fits Cleora on each graph size and reports seconds per iteration (median after the first). */
export async function cleoraSpeedBench(options: CleoraSpeedOptions = {}): Promise<BenchRow[]> {
  const { users = 1_000_000, items = 50_000, dimensions = 64, iterations = 4, threads = 2 } = options;
  const rows: BenchRow[] = [];
  for (const edges of options.edges ?? [1_000_000, 5_000_000, 20_000_000]) {
    const data = syntheticGraph(users, items, edges, 7);
    const perIteration: number[] = [];
    // CPU seconds of the whole process (workers included) between iteration ends: less sensitive
    // than wall time to other users of the machine. The first iteration's share is not separable.
    const cpuAt: number[] = [];
    const cpuSeconds = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1e6;
    };
    const model = new CleoraModel({
      dimensions,
      iterations,
      threads,
      onIteration: (_, seconds) => {
        perIteration.push(seconds);
        cpuAt.push(cpuSeconds());
      },
    });
    const started = performance.now();
    await model.fit(data);
    const fitSeconds = (performance.now() - started) / 1000;
    const steps = perIteration.reduce((a, b) => a + b, 0);
    rows.push({
      users,
      items,
      edges: data.matrix.indices.length,
      dimensions,
      threads,
      firstIterationS: perIteration[0],
      iterationS: median(perIteration.slice(1)),
      iterationCpuS: median(cpuAt.slice(1).map((c, t) => c - cpuAt[t])),
      fitS: fitSeconds,
      outsideIterationsS: fitSeconds - steps,
    });
  }
  return rows;
}

/** One setting of the quality grid, its name in the report and the protocol it is scored on. */
interface QualityCase {
  name: string;
  options: CleoraOptions;
  protocol?: "stratified" | "cold-item";
}

function qualityCases(): QualityCase[] {
  const cases: QualityCase[] = [];
  for (const whiten of [true, false]) {
    for (const attributes of ["none", "categories"] as const) {
      for (const dimensions of [64, 128]) {
        for (const iterations of [1, 2, 3, 4, 6]) {
          const name = attributes === "none" ? "graph" : "graph + genres";
          cases.push({ name, options: { whiten, attributes, dimensions, iterations } });
        }
      }
    }
  }
  const extra: Array<[string, CleoraOptions]> = [
    ["propagated user vectors", { userVectors: "propagated" }],
    ["uniform init", { init: "uniform" }],
    ["weighted by rating", { weighted: true }],
    ["genres, share 0.1", { attributes: "categories", attributeShare: 0.1 }],
    ["genres, share 0.3", { attributes: "categories", attributeShare: 0.3 }],
    ["genres, share 0.5", { attributes: "categories", attributeShare: 0.5 }],
    ["256 dimensions", { dimensions: 256 }],
  ];
  for (const [name, options] of extra) cases.push({ name, options });
  // New items: 10% of items held out with all their ratings; only attribute edges can place them.
  for (const attributes of ["none", "categories"] as const) {
    cases.push({ name: `cold items, ${attributes}`, options: { attributes }, protocol: "cold-item" });
  }
  return cases;
}

/**
 * nDCG@10 and P@10 per setting on the project's protocol (75/25 stratified by item, seed 42), and
 * on a cold-item split (10% of items unseen in training, seed 42).
 */
export async function cleoraQualityBench(
  path = "../shared/data/movielens-latest-small",
): Promise<BenchRow[]> {
  const { dataset } = await loadDataset({ kind: "dataset", name: "movielens", path });
  const full = trainingDataOf(dataset).matrix;
  const splits = {
    stratified: stratifiedSplit(full, { by: "item", ratio: 0.75, seed: 42 }),
    "cold-item": coldItemSplit(full, { fraction: 0.1, seed: 42 }),
  };
  const rows: BenchRow[] = [];
  for (const { name, options, protocol = "stratified" } of qualityCases()) {
    const split = splits[protocol];
    const model = new CleoraModel({ threads: 1, ...options });
    const started = performance.now();
    await model.fit(trainingDataOf(dataset, split.train));
    const fitSeconds = (performance.now() - started) / 1000;
    const report = evaluate(model, split, { k: 10 });
    const o = model.options;
    rows.push({
      setting: name,
      protocol,
      dimensions: o.dimensions,
      iterations: o.iterations,
      attributes: typeof o.attributes === "string" ? o.attributes : "custom",
      whiten: String(o.whiten),
      ndcg10: report.ndcg,
      precision10: report.precision,
      fitS: fitSeconds,
    });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      quality: { type: "boolean" },
      data: { type: "string" },
      users: { type: "string" },
      items: { type: "string" },
      edges: { type: "string" },
      dimensions: { type: "string" },
      threads: { type: "string" },
    },
  });
  const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
  if (values.quality) {
    printBench("cleora-quality", await cleoraQualityBench(values.data), {
      protocol: "stratified by item 0.75 seed 42, k=10",
    });
  } else {
    const options: CleoraSpeedOptions = {
      users: num(values.users),
      items: num(values.items),
      edges: values.edges?.split(",").map(Number),
      dimensions: num(values.dimensions),
      threads: num(values.threads),
    };
    printBench("cleora-speed", await cleoraSpeedBench(options), {
      note: "per-iteration medians on a shared, noisy 2-core machine",
    });
  }
}
