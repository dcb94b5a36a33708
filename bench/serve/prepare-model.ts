/**
 * The data of the serving benchmark: a simulated city and a hybrid trained on it with reduced
 * settings, both cached under the benchmark directory so reruns go straight to serving.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateCity } from "../../src/data/city/generate.js";
import { loadDataset } from "../../src/data/load-dataset.js";
import { HybridModel } from "../../src/models/hybrid/hybrid-model.js";
import type { HybridOptions } from "../../src/models/hybrid/hybrid-options.js";
import { trainingDataOf } from "../../src/models/training-data.js";
import type { ServeBenchOptions } from "./options.js";

/** Where the model came from and what it cost to make (cached beside it). */
export interface PreparedModel {
  modelDir: string;
  /** The city the model was trained on (null for a model given with --model). */
  cityDir: string | null;
  /** The reduced training settings, printed with the results. */
  training: string;
  /** Seconds of generation, loading and each training stage, from the run that made them. */
  seconds: Record<string, number>;
  /** Whether this run reused cached data. */
  cached: boolean;
}

/**
 * Reduced training: the shapes and the vector layout of the default hybrid (ALS 64 factors,
 * Cleora 64 dims, content, popularity) at a fraction of its time. Full training of a million
 * users runs tens of minutes; serving cost depends on the dimensions and counts, not on how well
 * the factors converged.
 */
export function reducedTraining(alsIterations: number): HybridOptions {
  return {
    als: { factors: 64, iterations: alsIterations },
    cleora: { dimensions: 64 },
    // The blend search scores every validation user against the whole catalogue per candidate
    // weight vector: 400 users a bucket costs minutes at 100k items, 60 keeps it under a minute.
    validation: { maxUsersPerBucket: 60 },
  };
}

/** A human-readable summary of `reducedTraining`. */
export function describeTraining(alsIterations: number): string {
  return `reduced: ALS 64 factors × ${alsIterations} iterations, Cleora 64 dims, content, popularity, blend search on ≤ 60 validation users a bucket`;
}

const log = (message: string) => console.error(`[bench:serve] ${message}`);

/** The city of `options`, generated once into the cache. */
async function cityOf(options: ServeBenchOptions, seconds: Record<string, number>): Promise<string> {
  const key = `${options.users}u-${options.items}i-${options.days}d-s${options.seed}`;
  const cityDir = join(options.dir, `city-${key}`);
  if (existsSync(join(cityDir, "city.json"))) return cityDir;
  log(`generating the city ${key} …`);
  const tmp = `${cityDir}.partial`;
  await rm(tmp, { recursive: true, force: true });
  const started = performance.now();
  const params = { users: options.users, restaurants: options.items, days: options.days, seed: options.seed };
  await generateCity(params, tmp);
  seconds["generate city"] = (performance.now() - started) / 1000;
  // Renamed only when complete, so an interrupted run never leaves a half city in the cache.
  await rename(tmp, cityDir);
  return cityDir;
}

/** The model to serve: `--model`, or the cached hybrid of the configured city (trained when missing). */
export async function prepareModel(options: ServeBenchOptions): Promise<PreparedModel> {
  if (options.model) {
    return {
      modelDir: options.model,
      cityDir: null,
      training: "given with --model",
      seconds: {},
      cached: true,
    };
  }
  await mkdir(options.dir, { recursive: true });
  const key = `${options.users}u-${options.items}i-${options.days}d-s${options.seed}-als${options.alsIterations}`;
  const modelDir = join(options.dir, `model-${key}`);
  const infoPath = join(modelDir, "bench-training.json");
  const training = describeTraining(options.alsIterations);
  if (existsSync(infoPath)) {
    const info = JSON.parse(await readFile(infoPath, "utf8")) as { seconds: Record<string, number> };
    const cityDir = join(options.dir, `city-${key.replace(/-als\d+$/, "")}`);
    return { modelDir, cityDir, training, seconds: info.seconds, cached: true };
  }
  const seconds: Record<string, number> = {};
  const cityDir = await cityOf(options, seconds);
  let started = performance.now();
  const { dataset } = await loadDataset({ kind: "dataset", name: "city", path: cityDir });
  seconds["load city"] = (performance.now() - started) / 1000;
  log(`training the hybrid (${training}) …`);
  const model = new HybridModel({
    ...reducedTraining(options.alsIterations),
    onStage: (stage, s) => {
      seconds[`train: ${stage}`] = s;
      log(`  ${stage}: ${s.toFixed(1)} s`);
    },
  });
  started = performance.now();
  await model.fit(trainingDataOf(dataset));
  seconds["train total"] = (performance.now() - started) / 1000;
  const tmp = `${modelDir}.partial`;
  await rm(tmp, { recursive: true, force: true });
  await model.save(tmp);
  await writeFile(join(tmp, "bench-training.json"), JSON.stringify({ training, seconds }, null, 2));
  await rename(tmp, modelDir);
  return { modelDir, cityDir, training, seconds, cached: false };
}
