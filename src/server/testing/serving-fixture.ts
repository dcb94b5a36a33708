import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateCity } from "../../data/city/generate.js";
import { loadDataset } from "../../data/load-dataset.js";
import { HybridModel } from "../../models/hybrid/hybrid-model.js";
import type { HybridOptions } from "../../models/hybrid/hybrid-options.js";
import { loadModel } from "../../models/model-kinds.js";
import { trainingDataOf } from "../../models/training-data.js";
import { type ServeConfig, ServeConfigSchema } from "../serve-config.js";
import { createServing } from "../server.js";

/** Small, fast parts: the fixture tests the serving path, not model quality. */
const SMALL: HybridOptions = {
  parts: ["als", "cleora", "content", "popularity"],
  als: { factors: 8, iterations: 4, threads: 0 },
  cleora: { dimensions: 16, threads: 1 },
  validation: { maxUsersPerBucket: 40 },
};

let trained: Promise<{ dir: string; modelDir: string }> | null = null;

/**
 * A hybrid trained on a tiny simulated city (300 users, 80 restaurants with cuisines, prices,
 * locations and opening hours), saved once per test process and shared by the serving tests.
 */
export function trainedCityModel(): Promise<{ dir: string; modelDir: string }> {
  trained ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), "palate-serving-"));
    const cityDir = join(dir, "city");
    await generateCity({ users: 300, restaurants: 80, days: 21, seed: 7 }, cityDir);
    const { dataset } = await loadDataset({ kind: "dataset", name: "city", path: cityDir });
    const model = new HybridModel(SMALL);
    await model.fit(trainingDataOf(dataset));
    const modelDir = join(dir, "model");
    await model.save(modelDir);
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    return { dir, modelDir };
  })();
  return trained;
}

/** The fixture's model loaded fresh (each test gets its own mutable catalogue). */
export async function loadCityModel() {
  const { modelDir } = await trainedCityModel();
  return loadModel(modelDir);
}

/** A serving app over the fixture model with embedded stores in a fresh directory. */
export async function servingFixture(overrides: Partial<ServeConfig> = {}) {
  const { modelDir } = await trainedCityModel();
  const dir = await mkdtemp(join(tmpdir(), "palate-serve-"));
  const config = ServeConfigSchema.parse({
    eventLog: `sqlite:${join(dir, "events.db")}`,
    spillPath: join(dir, "spill.ndjson"),
    itemSyncMs: 60_000,
    ...overrides,
  });
  const serving = await createServing(modelDir, config);
  const model = serving.context.service?.model;
  if (!model) throw new Error("fixture: no model loaded");
  return {
    ...serving,
    model,
    dir,
    async close() {
      await serving.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
