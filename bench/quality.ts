// `npm run bench:quality`: the protocol's table (nDCG@10, P@10) for every model under the warm,
// cold-user (n = 1, 3, 5) and cold-item protocols, on movielens-latest-small and the simulated city.
// Flags: --datasets movielens,city  --models popularity,als,...  --protocols warm,cold-user-1,...
//        --hybrid-parts als,ease,cleora,content,popularity (the hybrid's parts; default its own)
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  COMPARE_PROTOCOLS,
  type ComparisonRow,
  compareModels,
  protocolSplit,
} from "../src/cli/compare-models.js";
import { interactionMatrix } from "../src/core/dataset.js";
import { generateCity } from "../src/data/city/generate.js";
import { loadCityWorld } from "../src/data/city/index.js";
import { loadDataset } from "../src/data/load-dataset.js";
import { evaluate } from "../src/evaluation/evaluate.js";
import { PART_NAMES } from "../src/models/hybrid/hybrid-part.js";
import { MODEL_KINDS, type ModelKind } from "../src/models/model-kinds.js";
import { OracleRecommender } from "./oracle-recommender.js";
import { RandomRecommender } from "./random-recommender.js";
import { type BenchRow, printBench } from "./report.js";

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
const protocols = listFlag("protocols", COMPARE_PROTOCOLS);
const hybridParts = process.argv.includes("--hybrid-parts")
  ? listFlag("hybrid-parts", PART_NAMES)
  : undefined;

const cityDir = join(tmpdir(), "palate-bench-city-20k");

async function load(name: "movielens" | "city") {
  if (name === "movielens") {
    const path = join(dataDir, "movielens-latest-small");
    if (!existsSync(path)) throw new Error(`${path} not found (set PALATE_DATA_DIR)`);
    return (await loadDataset({ kind: "dataset", name: "movielens", path })).dataset;
  }
  const path = cityDir;
  if (!existsSync(join(path, "city.json"))) {
    await generateCity({ users: 20_000, restaurants: 1_000, days: 28, seed: 42 }, path);
  }
  return (await loadDataset({ kind: "dataset", name: "city", path })).dataset;
}

const rows: BenchRow[] = [];
for (const name of datasets) {
  const dataset = await load(name);
  const record = (row: ComparisonRow) => {
    const out = { dataset: name, ...row };
    rows.push(out);
    console.error(JSON.stringify(out));
  };
  if (name === "city") {
    // The ground truth's own ranking: how close the models get to the ceiling.
    const world = await loadCityWorld(cityDir);
    const oracle = new OracleRecommender(world, dataset);
    const matrix = interactionMatrix(dataset);
    for (const protocol of protocols) {
      const report = evaluate(oracle, protocolSplit(protocol, matrix), { k: 10 });
      record({
        protocol,
        model: "oracle",
        ndcg10: report.ndcg,
        p10: report.precision,
        users: report.usersEvaluated,
        fitSeconds: 0,
      });
    }
  }
  if (models.includes("random")) {
    // The reference of the cold-item bar: a random order of the candidates.
    const matrix = interactionMatrix(dataset);
    for (const protocol of protocols) {
      const report = evaluate(new RandomRecommender(dataset.items.size), protocolSplit(protocol, matrix), {
        k: 10,
      });
      record({
        protocol,
        model: "random",
        ndcg10: report.ndcg,
        p10: report.precision,
        users: report.usersEvaluated,
        fitSeconds: 0,
      });
    }
  }
  const kinds = models.filter((m): m is ModelKind => m !== "random");
  await compareModels(dataset, kinds, protocols, record, { parts: hybridParts });
}
printBench("quality (nDCG@10 and P@10, 75/25 split stratified by item, seed 42)", rows);
