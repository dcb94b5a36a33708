import { join } from "node:path";
import { Command } from "commander";
import { interactionMatrix } from "../../core/dataset.js";
import { generateCity } from "../../data/city/generate.js";
import { loadDataset } from "../../data/load-dataset.js";
import { evaluate, formatReport } from "../../evaluation/evaluate.js";
import { describeSplit } from "../../evaluation/splits.js";
import { stratifiedSplit } from "../../evaluation/stratified-split.js";
import { newVersionName } from "../../models/artifact/artifact-writer.js";
import { PopularityModel } from "../../models/popularity/popularity-model.js";
import { trainingDataOf } from "../../models/training-data.js";

/** The sample city of the demo: small enough to generate and train in seconds. */
const SAMPLE_CITY = { users: 5_000, restaurants: 500, days: 28, seed: 42 } as const;

/**
 * `palate demo` (what `npm start` runs): generate the sample city, train the popularity baseline,
 * evaluate it under the project's protocol and write a model version.
 */
export function demoCommand(): Command {
  return new Command("demo")
    .description("generate the sample city, train and evaluate the popularity baseline (what npm start runs)")
    .option("--dir <dir>", "working directory for the city and the model", ".palate/demo")
    .action(async (options: { dir: string }) => {
      const cityDir = join(options.dir, "city");
      console.log(
        `Generating the sample city (${SAMPLE_CITY.users} users, ${SAMPLE_CITY.restaurants} restaurants, ${SAMPLE_CITY.days} days, seed ${SAMPLE_CITY.seed}) …`,
      );
      const city = await generateCity(SAMPLE_CITY, cityDir);
      console.log(
        `  ${city.events.toLocaleString("en-US")} events (${city.views} views, ${city.clicks} clicks, ${city.bookings} bookings); ` +
          `top 10% of restaurants draw ${(city.top10Share * 100).toFixed(1)}% of them`,
      );

      const { dataset } = await loadDataset({ kind: "dataset", name: "city", path: cityDir });
      const split = stratifiedSplit(interactionMatrix(dataset), { by: "item", ratio: 0.75, seed: 42 });
      console.log(`Split: ${describeSplit(split)}`);
      const model = new PopularityModel();
      await model.fit(trainingDataOf(dataset, split.train));
      const report = evaluate(model, split, {
        k: 10,
        itemCategories: dataset.itemMeta.map((i) => i?.categories),
      });
      console.log(
        `\nPopularity baseline on the sample city (75/25 split stratified by item, seed 42, k = 10):`,
      );
      console.log(formatReport(report));

      const full = new PopularityModel();
      await full.fit(trainingDataOf(dataset));
      const modelDir = join(options.dir, "models", newVersionName(full.kind));
      await full.save(modelDir);
      console.log(`\nModel version trained on all the data: ${modelDir}`);
      console.log(
        `Next: npx palate recommend --model ${modelDir} --users ${join(cityDir, "users.csv")} --k 10 --out preds.csv`,
      );
    });
}
