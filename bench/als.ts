/*
 * ALS benchmarks. Speed: seconds per iteration on synthetic power-law matrices with 1M users and
 * 50k items (the bar: ≤ 15 s per iteration at 20M nonzeros, 64 factors, two threads; implicit
 * takes 7.5 s). Quality: nDCG@10 on movielens-latest-small for a λ × α grid chosen on a
 * validation split of the training data, then the test score of the chosen parameters.
 *
 *   node --import tsx bench/als.ts [speed|quality|all] [--nnz 1e6,5e6,20e6] [--data <dir>]
 */
import { pathToFileURL } from "node:url";
import type { Dataset } from "../src/core/dataset.js";
import { interactionMatrix } from "../src/core/dataset.js";
import { IdDictionary } from "../src/core/id-dictionary.js";
import { loadDataset } from "../src/data/load-dataset.js";
import { evaluate } from "../src/evaluation/evaluate.js";
import type { Split } from "../src/evaluation/splits.js";
import { stratifiedSplit } from "../src/evaluation/stratified-split.js";
import type { WorkerPool } from "../src/math/worker-pool.js";
import { createAlsPool } from "../src/models/als/als-executor.js";
import { AlsModel } from "../src/models/als/als-model.js";
import type { AlsIterationInfo } from "../src/models/als/als-training.js";
import { powerLawMatrix } from "../src/models/als/testing/power-law-matrix.js";
import { trainingDataOf } from "../src/models/training-data.js";
import { type BenchRow, median, printBench } from "./report.js";

/** Options of the speed benchmark. */
export interface AlsSpeedOptions {
  nnz?: number[];
  users?: number;
  items?: number;
  factors?: number;
  threads?: number;
  /** Timed iterations per size (the median is reported). */
  iterations?: number;
}

/** Floating-point work of one iteration: 4 products with the k×k Gram matrix per row, 4 sparse
 * passes of a dot and an update per nonzero and side, and the two Gram matrices (upper half). */
function flopsPerIteration(users: number, items: number, nnz: number, k: number): number {
  return (users + items) * (4 * 2 * k * k + k * k * 1.06) + 2 * nnz * 4 * 4 * k;
}

/** Seconds per ALS iteration at each size: wall time and process CPU time, medians. */
export async function alsSpeedBench(options: AlsSpeedOptions = {}): Promise<BenchRow[]> {
  const { nnz = [1e6, 5e6, 20e6], users = 1_000_000, items = 50_000, factors = 64, threads = 2 } = options;
  const iterations = options.iterations ?? 3;
  const rows: BenchRow[] = [];
  const pool = createAlsPool(threads);
  try {
    for (const target of nnz) {
      const matrix = powerLawMatrix({ users, items, nnz: target, seed: 1 });
      const infos: AlsIterationInfo[] = [];
      const model = new AlsModel({ factors, iterations, pool, onIteration: (info) => infos.push(info) });
      await model.fit(syntheticTrainingData(matrix.nRows, matrix.nCols, matrix));
      const seconds = median(infos.map((i) => i.seconds));
      const stored = matrix.indices.length;
      rows.push({
        nnz: stored,
        users,
        items,
        factors,
        threads,
        iterations,
        "s/iter (median)": round(seconds),
        "s/iter (min)": round(Math.min(...infos.map((i) => i.seconds))),
        "cpu s/iter (median)": round(median(infos.map((i) => i.cpuSeconds))),
        "GFLOP/iter": round(flopsPerIteration(users, items, stored, factors) / 1e9),
        "GFLOP/s": round(flopsPerIteration(users, items, stored, factors) / 1e9 / seconds),
      });
    }
  } finally {
    await pool.close();
  }
  return rows;
}

/** Training data around a bare matrix (ids are the indices). */
function syntheticTrainingData(nUsers: number, nItems: number, matrix: ReturnType<typeof powerLawMatrix>) {
  return {
    matrix,
    users: IdDictionary.from(Array.from({ length: nUsers }, (_, u) => `u${u}`)),
    items: IdDictionary.from(Array.from({ length: nItems }, (_, i) => `i${i}`)),
    itemMeta: [],
    userMeta: [],
    source: "power-law",
  };
}

/** Options of the quality benchmark. */
export interface AlsQualityOptions {
  path?: string;
  regularization?: number[];
  alpha?: number[];
  /** Confidence forms: 1 is the paper's c = 1 + α·r, 0 is `implicit`'s c = α·r. */
  confidenceBase?: number[];
  threads?: number;
}

/**
 * The λ × α grid on movielens-latest-small, for each confidence form: each cell trained on a
 * validation split carved from the training part (stratified by item again) and scored on it;
 * the best cell by validation nDCG@10 is the choice, and its test score is the result. Test
 * scores of the other cells are reported for context only; they play no part in the choice.
 */
export async function alsQualityBench(options: AlsQualityOptions = {}): Promise<BenchRow[]> {
  const { path = "/work/shared/data/movielens-latest-small", threads = 2 } = options;
  const regularization = options.regularization ?? [0.1, 1, 10, 30, 100];
  const alpha = options.alpha ?? [1, 5, 40];
  const bases = options.confidenceBase ?? [1, 0];
  const { dataset } = await loadDataset({ kind: "dataset", name: "movielens", path });
  const test = stratifiedSplit(interactionMatrix(dataset), { by: "item", ratio: 0.75, seed: 42 });
  const validation = stratifiedSplit(test.train, { by: "item", ratio: 0.75, seed: 42 });
  const pool = createAlsPool(threads);
  const cells: Array<{ params: GridParams; row: BenchRow; validation: number }> = [];
  try {
    for (const confidenceBase of bases) {
      for (const r of regularization) {
        for (const a of alpha) {
          const params = { regularization: r, alpha: a, confidenceBase };
          const score = await ndcgOf(dataset, validation, params, pool);
          const form = confidenceBase === 0 ? "αr" : `${confidenceBase}+αr`;
          cells.push({ params, validation: score, row: { confidence: form, regularization: r, alpha: a } });
        }
      }
    }
    const best = cells.reduce((x, y) => (y.validation > x.validation ? y : x));
    for (const cell of cells) {
      cell.row["validation nDCG@10"] = round(cell.validation);
      cell.row["test nDCG@10"] = round(await ndcgOf(dataset, test, cell.params, pool));
      cell.row["chosen"] = cell === best ? "yes" : "";
    }
  } finally {
    await pool.close();
  }
  return cells.map((cell) => cell.row);
}

/** The parameters a grid cell varies. */
interface GridParams {
  regularization: number;
  alpha: number;
  confidenceBase: number;
}

async function ndcgOf(dataset: Dataset, split: Split, params: GridParams, pool: WorkerPool): Promise<number> {
  const model = new AlsModel({ ...params, pool });
  await model.fit(trainingDataOf(dataset, split.train));
  return evaluate(model, split, { k: 10 }).ndcg;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
  const mode = process.argv[2] && !process.argv[2].startsWith("--") ? process.argv[2] : "all";
  if (mode === "quality" || mode === "all") {
    printBench(
      "als-quality (movielens-latest-small, stratified by item 0.75, seed 42)",
      await alsQualityBench({ path: argValue("--data") }),
    );
  }
  if (mode === "speed" || mode === "all") {
    const nnz = argValue("--nnz")?.split(",").map(Number);
    const iterations = argValue("--iterations");
    const rows = await alsSpeedBench({ nnz, iterations: iterations ? Number(iterations) : undefined });
    printBench("als-speed (1M × 50k power-law, 64 factors; shared machine: medians)", rows);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
