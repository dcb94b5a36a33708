import { join } from "node:path";
import { Command } from "commander";
import { generateCity } from "../../data/city/generate.js";
import { loadDataset } from "../../data/load-dataset.js";
import { newVersionName } from "../../models/artifact/artifact-writer.js";
import { HybridModel } from "../../models/hybrid/hybrid-model.js";
import { trainingDataOf } from "../../models/training-data.js";
import { ServeConfigSchema } from "../../server/serve-config.js";
import { startServer } from "../../server/server.js";
import { intOption } from "../option-parsers.js";
import { StageProgress } from "../progress.js";
import { closeOnSignals, printExampleRequests } from "./serve-command.js";

/** The sample city of the demo: small enough to generate and train in seconds. */
const SAMPLE_CITY = { users: 5_000, restaurants: 500, days: 28, seed: 42 } as const;

interface DemoOptions {
  dir: string;
  port: number;
  serve: boolean;
}

/**
 * `palate demo` (what `npm start` runs): generate the sample city, train the hybrid on it, write
 * a model version and serve it on embedded defaults (in-memory feature store, SQLite event log).
 */
export function demoCommand(): Command {
  return new Command("demo")
    .description(
      "generate the sample city, train the hybrid and serve it on http://localhost:8080 (what npm start runs)",
    )
    .option("--dir <dir>", "working directory for the city, the model and the event log", ".palate/demo")
    .option("--port <n>", "port to serve on", intOption(0, 65_535), 8080)
    .option("--no-serve", "stop after training (print the model version)")
    .action(async (options: DemoOptions) => {
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
      const progress = new StageProgress();
      const model = new HybridModel({
        onStage: (stage, seconds) => progress.finish(stage, seconds),
        onProgress: (stage, done, total) => progress.update(stage, done, total),
      });
      await model.fit(trainingDataOf(dataset));
      console.log(
        "Validation nDCG@10 by history bucket (cold, warm, hot):",
        model.learned.validationNdcg.map((v) => v.toFixed(3)).join(", "),
      );
      console.log("Blend weights:", JSON.stringify(model.describeWeights()));
      const modelDir = join(options.dir, "models", newVersionName(model.kind));
      await model.save(modelDir);
      console.log(`Model version: ${modelDir}`);
      if (!options.serve) return;
      const server = await startServer(
        modelDir,
        ServeConfigSchema.parse({
          port: options.port,
          eventLog: `sqlite:${join(options.dir, "events.db")}`,
          spillPath: join(options.dir, "events.spill.ndjson"),
        }),
      );
      closeOnSignals(server);
      const served = server.context.service?.model;
      printExampleRequests(server, served?.users.idAt(0) ?? "u1", served?.catalog.ids.idAt(0) ?? "r1");
    });
}
