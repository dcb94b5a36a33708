/*
 * Item–item models on movielens-latest-small under the project protocol (75/25 split stratified
 * by item, seed 42, k = 10, seen items removed), hyper-parameters chosen on a validation split
 * carved from the training part: 90/10, stratified by item, seed 7. A 90/10 carve leaves the
 * tuning fit 67.5% of the data against 75% for the final fit, so the number of epochs chosen by
 * early stopping carries over (with a 75/25 carve ELSA's validation optimum came at ~40 epochs
 * while the final fit kept improving to ~60).
 *
 *   node --import tsx bench/item-item.ts elsa [--quick] [--data <dir>]
 *   node --import tsx bench/item-item.ts ease-export <dir> [--data <dir>]
 *   node --import tsx bench/item-item.ts ease <dir> [--data <dir>]
 *   node --import tsx bench/item-item.ts content [--data <dir>] [--restaurants <dir>]
 *
 * EASE (Steck 2019) needs an items × items inverse (~9,700² here), which plain JavaScript does
 * in tens of minutes; the reference is computed outside the project with numpy from the split
 * written by `ease-export`: per split `<name>` ∈ {test, validation}, `<name>.json` holds
 * {users, items} and `<name>.{train,test}.{indptr,indices}.i32` the CSR matrices (little-endian
 * int32). The reference writes `ease-<name>-<λ>.i32`: k = 10 item indices per user (−1 padded,
 * training items excluded), which `ease` scores with the project's own metrics.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CsrMatrix } from "../src/core/csr.js";
import { type Dataset, interactionMatrix } from "../src/core/dataset.js";
import { type DatasetName, loadDataset } from "../src/data/load-dataset.js";
import { evaluate } from "../src/evaluation/evaluate.js";
import { MetricsAccumulator } from "../src/evaluation/metrics.js";
import type { Split } from "../src/evaluation/splits.js";
import { stratifiedSplit } from "../src/evaluation/stratified-split.js";
import { ContentModel, type ContentModelOptions } from "../src/models/content/content-model.js";
import { ElsaModel, type ElsaOptions } from "../src/models/elsa/elsa-model.js";
import { PopularityModel } from "../src/models/popularity/popularity-model.js";
import type { Recommender } from "../src/models/recommender.js";
import { trainingDataOf } from "../src/models/training-data.js";
import { type BenchRow, printBench } from "./report.js";

const K = 10;
const VALIDATION_SEED = 7;
const VALIDATION_RATIO = 0.9;

/** A dataset with its test split and the validation split carved from the test split's train. */
interface Protocol {
  dataset: Dataset;
  test: Split;
  validation: Split;
}

async function protocol(name: DatasetName, path: string): Promise<Protocol> {
  const { dataset } = await loadDataset({ kind: "dataset", name, path });
  const test = stratifiedSplit(interactionMatrix(dataset), { by: "item", ratio: 0.75, seed: 42 });
  const validation = stratifiedSplit(test.train, {
    by: "item",
    ratio: VALIDATION_RATIO,
    seed: VALIDATION_SEED,
  });
  return { dataset, test, validation };
}

function score(
  model: Pick<Recommender, "kind" | "recommend">,
  split: Split,
): { ndcg: number; precision: number } {
  const report = evaluate(model, split, { k: K });
  return { ndcg: report.ndcg, precision: report.precision };
}

/** One ELSA configuration of the grid; each is trained once and scored every `every` epochs. */
type ElsaConfig = Required<
  Pick<ElsaOptions, "factors" | "learningRate" | "batchSize" | "dropout" | "ridge" | "binary">
>;

/** An ELSA model that scores with the item matrix of a training snapshot (for checkpoints). */
function snapshotModel(config: ElsaConfig, a: Float32Array, train: CsrMatrix): ElsaModel {
  const model = new ElsaModel({ ...config, epochs: 0 });
  model.useFactors(a.slice(), train);
  return model;
}

/** The ELSA grid on validation, then each dimension's best (and the overall best) on test. */
export async function elsaBench(p: Protocol, quick: boolean): Promise<BenchRow[]> {
  const maxEpochs = quick ? 20 : 100;
  const every = 5;
  const grid: ElsaConfig[] = [];
  // Whole-data batches: a step costs the same at any batch size (see elsa-gradient.ts), and on
  // this small dataset steps, not epochs, are what training needs.
  for (const factors of quick ? [64] : [64, 128, 256]) {
    for (const ridge of quick ? [0, 3000] : [0, 300, 3000]) {
      for (const binary of quick ? [true] : [true, false]) {
        grid.push({ factors, learningRate: 0.01, batchSize: 0, dropout: 0.5, ridge, binary });
      }
    }
  }
  const rows: BenchRow[] = [];
  const checkpoints: { config: ElsaConfig; epochs: number; ndcg: number }[] = [];
  const describe = (config: ElsaConfig) => ({ ...config, binary: config.binary ? "yes" : "rating" });
  for (const config of grid) {
    const started = performance.now();
    const model = new ElsaModel({
      ...config,
      epochs: maxEpochs,
      onEpoch: ({ epoch, loss, itemFactors }) => {
        if (epoch % every !== 0) return;
        const snapshot = snapshotModel(config, itemFactors, p.validation.train);
        const { ndcg, precision } = score(snapshot, p.validation);
        const seconds = (performance.now() - started) / 1000;
        checkpoints.push({ config, epochs: epoch, ndcg });
        rows.push({
          split: "validation",
          ...describe(config),
          epochs: epoch,
          loss,
          ndcg,
          precision,
          seconds,
        });
        console.error(JSON.stringify(rows[rows.length - 1]));
      },
    });
    await model.fit(trainingDataOf(p.dataset, p.validation.train));
  }
  const best = (candidates: typeof checkpoints) => candidates.reduce((a, b) => (b.ndcg > a.ndcg ? b : a));
  const chosen = new Map<string, (typeof checkpoints)[number]>();
  for (const factors of new Set(grid.map((c) => c.factors))) {
    chosen.set(`best at d=${factors}`, best(checkpoints.filter((c) => c.config.factors === factors)));
  }
  chosen.set("best overall", best(checkpoints));
  for (const [label, { config, epochs }] of chosen) {
    const started = performance.now();
    const model = new ElsaModel({ ...config, epochs });
    await model.fit(trainingDataOf(p.dataset, p.test.train));
    const seconds = (performance.now() - started) / 1000;
    const result = score(model, p.test);
    rows.push({
      split: `test (${label})`,
      ...describe(config),
      epochs,
      loss: model.lastLoss,
      ...result,
      seconds,
    });
  }
  return rows;
}

async function writeI32(path: string, data: Int32Array): Promise<void> {
  await writeFile(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

async function readI32(path: string): Promise<Int32Array> {
  const bytes = await readFile(path);
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** Writes both splits for the numpy EASE reference (format in the header comment). */
export async function exportSplits(p: Protocol, dir: string): Promise<void> {
  for (const [name, split] of [
    ["test", p.test],
    ["validation", p.validation],
  ] as const) {
    await writeFile(
      join(dir, `${name}.json`),
      JSON.stringify({ users: split.train.nRows, items: split.train.nCols }),
    );
    for (const part of ["train", "test"] as const) {
      await writeI32(join(dir, `${name}.${part}.indptr.i32`), split[part].indptr);
      await writeI32(join(dir, `${name}.${part}.indices.i32`), split[part].indices);
    }
  }
}

/** Scores every `ease-<split>-<λ>.i32` list file in `dir` with the project's metrics. */
export async function easeBench(p: Protocol, dir: string): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const file of (await readdir(dir)).sort()) {
    const match = /^ease-(test|validation)-(\d+)\.i32$/.exec(file);
    if (!match) continue;
    const split = match[1] === "test" ? p.test : p.validation;
    const lists = await readI32(join(dir, file));
    if (lists.length !== split.train.nRows * K) throw new Error(`${file}: expected ${K} items per user`);
    const metrics = new MetricsAccumulator(split, { k: K });
    for (let u = 0; u < split.train.nRows; u++) metrics.add(u, lists.subarray(u * K, (u + 1) * K));
    const report = metrics.finish();
    rows.push({ split: match[1], lambda: Number(match[2]), ndcg: report.ndcg, precision: report.precision });
  }
  return rows.sort(
    (a, b) =>
      String(a["split"]).localeCompare(String(b["split"])) || Number(a["lambda"]) - Number(b["lambda"]),
  );
}

/** Content-model options tried on validation; the best is then scored on test. */
const CONTENT_GRID: [string, ContentModelOptions][] = [
  ["defaults", {}],
  ["5 bins", { bins: 5 }],
  ["10 bins", { bins: 10 }],
  ["hard bins", { binNeighbourWeight: 0 }],
  ["rating-weighted", { binary: false }],
  ["location 1", { blockWeights: { location: 1 } }],
  ["location 2", { blockWeights: { location: 2 } }],
  ["location 8", { blockWeights: { location: 8 } }],
  ["no attributes", { blockWeights: { attributes: 0 } }],
  ["no declared", { declaredWeight: 0 }],
];

/** The content model on one dataset: the grid on validation, the best on test (popularity for scale). */
export async function contentBench(name: string, p: Protocol): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const [split, s] of [
    ["validation", p.validation],
    ["test", p.test],
  ] as const) {
    const popularity = new PopularityModel();
    await popularity.fit(trainingDataOf(p.dataset, s.train));
    rows.push({ dataset: name, split, options: "(most popular)", dims: null, ...score(popularity, s) });
  }
  let best: { label: string; options: ContentModelOptions; ndcg: number } | null = null;
  for (const [label, options] of CONTENT_GRID) {
    const model = new ContentModel(options);
    await model.fit(trainingDataOf(p.dataset, p.validation.train));
    const result = score(model, p.validation);
    rows.push({ dataset: name, split: "validation", options: label, dims: model.dims, ...result });
    if (best === null || result.ndcg > best.ndcg) best = { label, options, ndcg: result.ndcg };
  }
  for (const [label, options] of best === null || best.label === "defaults"
    ? [["defaults", {}] as const]
    : [["defaults", {}] as const, [best.label, best.options] as const]) {
    const model = new ContentModel(options);
    await model.fit(trainingDataOf(p.dataset, p.test.train));
    rows.push({ dataset: name, split: "test", options: label, dims: model.dims, ...score(model, p.test) });
  }
  return rows;
}

function flag(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1];
}

async function main(args: string[]): Promise<void> {
  const mode = args[0] ?? "elsa";
  const movielens = flag(args, "--data", "../shared/data/movielens-latest-small");
  if (mode === "content") {
    const rows = await contentBench("movielens", await protocol("movielens", movielens));
    const restaurants = flag(args, "--restaurants", "../shared/data/restaurant-consumer");
    rows.push(
      ...(await contentBench("restaurant-consumer", await protocol("restaurant-consumer", restaurants))),
    );
    printBench("content model", rows);
    return;
  }
  const p = await protocol("movielens", movielens);
  if (mode === "elsa") printBench("elsa", await elsaBench(p, args.includes("--quick")));
  else if (mode === "ease-export") await exportSplits(p, args[1]);
  else if (mode === "ease") printBench("ease (numpy reference)", await easeBench(p, args[1]));
  else throw new Error(`unknown mode '${mode}' (elsa, ease-export, ease, content)`);
}

await main(process.argv.slice(2));
