// `npm run bench:quality`: the protocol's table (nDCG@10, P@10) for every model under the warm,
// cold-user (n = 1, 3, 5) and cold-item protocols, on movielens-latest-small and the simulated city.
// Flags: --datasets movielens,city  --models popularity,als,...  --protocols warm,cold-user-1,...
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { interactionMatrix } from "../src/core/dataset.js";
import { generateCity } from "../src/data/city/generate.js";
import { loadDataset } from "../src/data/load-dataset.js";
import { coldItemSplit } from "../src/evaluation/cold-item-split.js";
import { coldUserSplit } from "../src/evaluation/cold-user-split.js";
import { evaluate } from "../src/evaluation/evaluate.js";
import type { Split } from "../src/evaluation/splits.js";
import { stratifiedSplit } from "../src/evaluation/stratified-split.js";
import { createModel, MODEL_KINDS, type ModelKind } from "../src/models/model-kinds.js";
import { trainingDataOf } from "../src/models/training-data.js";
import { RandomRecommender } from "./random-recommender.js";
import { type BenchRow, printBench } from "./report.js";

const PROTOCOLS = ["warm", "cold-user-1", "cold-user-3", "cold-user-5", "cold-item"] as const;
type Protocol = (typeof PROTOCOLS)[number];

function listFlag<T extends string>(name: string, all: readonly T[]): T[] {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return [...all];
  const values = process.argv[at + 1].split(",");
  for (const v of values)
    if (!all.includes(v as T)) throw new Error(`--${name}: unknown '${v}' (known: ${all})`);
  return values as T[];
}

const dataDir = resolve(process.env["PALATE_DATA_DIR"] ?? "../shared/data");
const datasets = listFlag("datasets", ["movielens", "city"] as const);
const models = listFlag("models", [...MODEL_KINDS, "random"] as const);
const protocols = listFlag("protocols", PROTOCOLS);

async function load(name: "movielens" | "city") {
  if (name === "movielens") {
    const path = join(dataDir, "movielens-latest-small");
    if (!existsSync(path)) throw new Error(`${path} not found (set PALATE_DATA_DIR)`);
    return (await loadDataset({ kind: "dataset", name: "movielens", path })).dataset;
  }
  const path = join(tmpdir(), "palate-bench-city-20k");
  if (!existsSync(join(path, "city.json"))) {
    await generateCity({ users: 20_000, restaurants: 1_000, days: 28, seed: 42 }, path);
  }
  return (await loadDataset({ kind: "dataset", name: "city", path })).dataset;
}

function splitFor(protocol: Protocol, m: ReturnType<typeof interactionMatrix>): Split {
  const base = stratifiedSplit(m, { by: "item", ratio: 0.75, seed: 42 });
  if (protocol === "warm") return base;
  if (protocol === "cold-item") return coldItemSplit(m, { fraction: 0.1, seed: 42 });
  return coldUserSplit(m, { fraction: 0.2, n: Number(protocol.slice("cold-user-".length)), seed: 42, base });
}

const rows: BenchRow[] = [];
for (const name of datasets) {
  const dataset = await load(name);
  const matrix = interactionMatrix(dataset);
  const itemCategories = dataset.itemMeta.map((i) => i?.categories);
  for (const protocol of protocols) {
    const split = splitFor(protocol, matrix);
    for (const kind of models) {
      const started = performance.now();
      const model =
        kind === "random" ? new RandomRecommender(dataset.items.size) : createModel(kind as ModelKind);
      if (kind !== "random")
        await (model as ReturnType<typeof createModel>).fit(trainingDataOf(dataset, split.train));
      const fitSeconds = (performance.now() - started) / 1000;
      const report = evaluate(model, split, { k: 10, itemCategories });
      const row = {
        dataset: name,
        protocol,
        model: kind,
        ndcg10: report.ndcg,
        p10: report.precision,
        users: report.usersEvaluated,
        fit_s: fitSeconds,
      };
      rows.push(row);
      console.error(JSON.stringify(row));
    }
  }
}
printBench("quality (nDCG@10 and P@10, 75/25 split stratified by item, seed 42)", rows);
