import { Command, Option } from "commander";
import { createModel, MODEL_KINDS, type ModelKind } from "../../models/model-kinds.js";
import { trainingDataOf } from "../../models/training-data.js";
import { addDataOptions, type DataOptions, loadFromOptions } from "../data-options.js";
import { addEmbeddingOptions, type EmbeddingOptions, externalFrom } from "../embedding-options.js";
import { choiceOption, intOption, numberOption } from "../option-parsers.js";
import { StageProgress } from "../progress.js";
import { readTrainConfig, type TrainFlags, trainOptionsFrom } from "../train-config.js";

interface TrainOptions extends DataOptions, EmbeddingOptions, TrainFlags {
  model: ModelKind;
  out: string;
  config?: string;
}

const CONFIG_HELP = `
Config file (--config F): JSON with any of these fields; every field is optional, defaults fill
the rest, and an unknown field is an error naming it (e.g. 'als.factorz'). Flags win over the file.
  parts             ["als", "ease", "elsa", "cleora", "content", "popularity"] (default: als,
                      cleora, content, popularity)
  buckets           { coldMax, warmMax }: history lengths of cold / warm users (5, 50)
  validation        { ratio, coldFraction, coldN, maxUsersPerBucket, seed }
  coldItemRidge, coldItemMinUsers
  als               { factors, regularization, alpha, confidenceBase, iterations, cgSteps, seed, threads }
  ease              { rank, lambda, powerIterations, oversample, seed } (the hybrid picks lambda
                      on its validation split unless it is given)
  elsa              { factors, epochs, learningRate, batchSize, seed, binary, dropout, ridge }
  cleora            { dimensions, iterations, init, userVectors, weighted, whiten, attributes,
                      attributeShare, threads }
  content           { blockWeights: { categories, price, attributes, numeric, location }, bins,
                      binNeighbourWeight, fineCellKm, coarseCellKm, minItems, ... }
  popularity        { context: false | { cellKm, strength: number | "auto", holdout } }
Example: examples/train-config.json; docs/models.md describes every field.`;

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
    .option("--config <file>", "JSON file of training options (see below); flags override it")
    .option("--als-factors <n>", "ALS latent dimensions", intOption(1, 4096))
    .option("--als-iterations <n>", "ALS alternating rounds", intOption(0, 1000))
    .option("--als-regularization <x>", "ALS L2 penalty λ", numberOption(0, 1e9))
    .option("--cleora-dimensions <n>", "Cleora embedding width", intOption(1, 4096))
    .option("--cleora-iterations <n>", "Cleora propagation steps", intOption(1, 100))
    .option(
      "--context-strength <beta>",
      'shrinkage of the per-context popularity prior towards global popularity, or "auto"',
      (value: string) => (value === "auto" ? "auto" : numberOption(0, 1e9)(value)),
    )
    .addHelpText("after", CONFIG_HELP)
    .action(async (options: TrainOptions) => {
      // The config is checked before the (possibly long) data load, so a typo fails at once.
      const modelOptions = trainOptionsFrom(options.config ? readTrainConfig(options.config) : {}, options);
      const started = performance.now();
      const dataset = await loadFromOptions(options);
      const loaded = performance.now();
      const progress = new StageProgress();
      const external = await externalFrom(options, options.model);
      const model = createModel(options.model, {
        ...modelOptions,
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
