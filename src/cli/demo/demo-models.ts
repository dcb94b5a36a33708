import { join } from "node:path";
import { interactionMatrix } from "../../core/dataset.js";
import { loadDataset } from "../../data/load-dataset.js";
import { temporalSplit } from "../../evaluation/temporal-split.js";
import { newVersionName } from "../../models/artifact/artifact-writer.js";
import { HybridModel } from "../../models/hybrid/hybrid-model.js";
import type { TrainingData } from "../../models/recommender.js";
import { trainingDataOf } from "../../models/training-data.js";
import { StageProgress } from "../progress.js";
import { CHAMPION_HOLDBACK_DAYS } from "./demo-settings.js";

/** The two versions of the demo's experiment. */
export interface DemoModels {
  /** Last week's model: the hybrid trained on the city's history up to 7 days before its end. */
  champion: string;
  /** This week's retrain: the same hybrid on the whole history. */
  canary: string;
}

/**
 * Trains the demo's champion and canary: the same hybrid, once on the city without its last
 * week (the model "a weekly retrain produced last week") and once on everything (this week's
 * retrain, the candidate). It is the honest question a team asks every week — does the retrain
 * do at least as well online? — and the answer is not rigged either way.
 */
export async function trainDemoModels(cityDir: string, modelsDir: string): Promise<DemoModels> {
  const { dataset } = await loadDataset({ kind: "dataset", name: "city", path: cityDir });
  const all = trainingDataOf(dataset);
  const endSeconds = all.maxTimestamp ?? 0;
  const cut = endSeconds - CHAMPION_HOLDBACK_DAYS * 86_400;
  const older = temporalSplit(interactionMatrix(dataset), { cut }).train;
  const lastWeek: TrainingData = {
    ...trainingDataOf(dataset, older),
    // The data snapshot must say where this model's data ends, not where the city's does.
    maxTimestamp: maxOf(older.timestamps),
  };
  console.log(
    `Training the champion: the hybrid on the history before ${new Date(cut * 1000).toISOString().slice(0, 10)} (last week's model) …`,
  );
  const champion = await fitAndSave(lastWeek, modelsDir);
  console.log("Training the canary: the same hybrid on the whole history (this week's retrain) …");
  const canary = await fitAndSave(all, modelsDir);
  return { champion, canary };
}

async function fitAndSave(data: TrainingData, modelsDir: string): Promise<string> {
  const progress = new StageProgress();
  const model = new HybridModel({
    onStage: (stage, seconds) => progress.finish(stage, seconds),
    onProgress: (stage, done, total) => progress.update(stage, done, total),
  });
  await model.fit(data);
  console.log(
    `  ${data.interactionCount?.toLocaleString("en-US")} interactions; validation nDCG@10 (cold, warm, hot): ` +
      model.learned.validationNdcg.map((v) => v.toFixed(3)).join(", "),
  );
  console.log(`  blend weights: ${JSON.stringify(model.describeWeights())}`);
  const dir = join(modelsDir, newVersionName(model.kind));
  await model.save(dir);
  console.log(`  saved to ${dir}`);
  return dir;
}

function maxOf(values: Float64Array | undefined): number | null {
  if (!values || values.length === 0) return null;
  let max = values[0];
  for (const v of values) if (v > max) max = v;
  return max;
}
