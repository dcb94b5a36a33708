import { Command, Option } from "commander";
import { createModel, MODEL_KINDS, type ModelKind } from "../../models/model-kinds.js";
import { trainingDataOf } from "../../models/training-data.js";
import { addDataOptions, type DataOptions, loadFromOptions } from "../data-options.js";
import { addEmbeddingOptions, type EmbeddingOptions, externalFrom } from "../embedding-options.js";
import { choiceOption } from "../option-parsers.js";
import { StageProgress } from "../progress.js";

interface TrainOptions extends DataOptions, EmbeddingOptions {
  model: ModelKind;
  out: string;
}

/** `palate train`: fit a model on all the data and write it as a model version. */
export function trainCommand(): Command {
  const command = new Command("train").description("train a model on the data and write a model version");
  addDataOptions(command);
  addEmbeddingOptions(command);
  return command
    .addOption(
      new Option("--model <kind>", "model to train").argParser(choiceOption(MODEL_KINDS)).default("hybrid"),
    )
    .requiredOption("--out <dir>", "directory of the new model version (must not exist or be empty)")
    .action(async (options: TrainOptions) => {
      const started = performance.now();
      const dataset = await loadFromOptions(options);
      const loaded = performance.now();
      const progress = new StageProgress();
      const external = await externalFrom(options, options.model);
      const model = createModel(options.model, {
        external,
        onStage: (stage, seconds) => progress.finish(stage, seconds),
        onProgress: (stage, done, total) => progress.update(stage, done, total),
      });
      await model.fit(trainingDataOf(dataset));
      const fitted = performance.now();
      await model.save(options.out);
      const seconds = (ms: number) => (ms / 1000).toFixed(2);
      console.log(
        `trained ${options.model} on ${dataset.interactions.length} interactions ` +
          `(${dataset.users.size} users, ${dataset.items.size} items) → ${options.out}\n` +
          `load ${seconds(loaded - started)} s · fit ${seconds(fitted - loaded)} s · ` +
          `save ${seconds(performance.now() - fitted)} s`,
      );
    });
}
