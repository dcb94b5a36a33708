// `npm run bench:train`: training speed figures of the model issue, as JSON and tables.
//  - the whole hybrid on movielens-latest-small (bar: ≤ 20 s), with per-stage timing;
//  - ALS seconds per iteration at 1M × 50k with 1M, 5M, 20M nonzeros (bar: ≤ 15 s at 20M);
//  - Cleora seconds per iteration on the same shapes;
//  - sparse × dense against scipy on 1M × 100k × 10M nonzeros × 64 (bar: Palate ≤ scipy);
//  - the full hybrid on a 1M-user × 50k-restaurant city with ≈ 20M events (bar: ≤ 15 min, ≤ 8 GB).
// Flags: --only movielens,als,cleora,spmm,city   --quick (smaller shapes for a smoke run)
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadDataset } from "../src/data/load-dataset.js";
import { HybridModel } from "../src/models/hybrid/hybrid-model.js";
import { trainingDataOf } from "../src/models/training-data.js";
import { alsSpeedBench } from "./als.js";
import { cleoraSpeedBench } from "./cleora.js";
import { type BenchRow, printBench } from "./report.js";
import { spmmBench } from "./spmm.js";
import { cityTrainingBench, FULL_SCALE } from "./train-city.js";

const at = process.argv.indexOf("--only");
const only = at >= 0 ? process.argv[at + 1].split(",") : ["movielens", "als", "cleora", "spmm", "city"];
const quick = process.argv.includes("--quick");
const nnz = quick ? [1_000_000] : [1_000_000, 5_000_000, 20_000_000];

if (only.includes("movielens")) {
  const path = join(resolve(process.env["PALATE_DATA_DIR"] ?? "../shared/data"), "movielens-latest-small");
  if (existsSync(path)) {
    const started = performance.now();
    const { dataset } = await loadDataset({ kind: "dataset", name: "movielens", path });
    const rows: BenchRow[] = [{ stage: "load", seconds: (performance.now() - started) / 1000 }];
    const model = new HybridModel({ onStage: (stage, seconds) => rows.push({ stage, seconds }) });
    await model.fit(trainingDataOf(dataset));
    const saveStarted = performance.now();
    rows.push({ stage: "total (load + fit)", seconds: (saveStarted - started) / 1000 });
    printBench("hybrid training on movielens-latest-small (bar: total ≤ 20 s)", rows);
  } else {
    console.error(`skipping movielens: ${path} not found`);
  }
}
if (only.includes("als")) {
  printBench("ALS s/iteration, 1M × 50k, 64 factors (bar: ≤ 15 s at 20M)", await alsSpeedBench({ nnz }));
}
if (only.includes("cleora")) {
  printBench("Cleora s/iteration, 1M × 50k, 64 dims", await cleoraSpeedBench({ edges: nnz }));
}
if (only.includes("spmm")) {
  printBench(
    "sparse × dense vs scipy (bar: ratio ≤ 1)",
    await spmmBench(quick ? { rows: 100_000, cols: 10_000, nnz: 1_000_000 } : {}),
  );
}
if (only.includes("city")) {
  const shape = quick ? { users: 50_000, restaurants: 2_500, days: 23 } : FULL_SCALE;
  printBench(
    `full hybrid on a ${shape.users.toLocaleString("en-US")}-user × ${shape.restaurants.toLocaleString("en-US")}-restaurant city, ${shape.days} days (bar: ≤ 15 min, ≤ 8 GB)`,
    await cityTrainingBench(shape),
  );
}
