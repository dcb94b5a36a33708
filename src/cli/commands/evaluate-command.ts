import { Command, Option } from "commander";
import { interactionMatrix } from "../../core/dataset.js";
import { evaluate, formatReport } from "../../evaluation/evaluate.js";
import { describeSplit } from "../../evaluation/splits.js";
import { createModel, MODEL_KINDS, type ModelKind } from "../../models/model-kinds.js";
import { trainingDataOf } from "../../models/training-data.js";
import { COMPARE_PROTOCOLS, compareModels, comparisonTable } from "../compare-models.js";
import { addDataOptions, type DataOptions, loadFromOptions } from "../data-options.js";
import { addEmbeddingOptions, type EmbeddingOptions, externalFrom } from "../embedding-options.js";
import { choiceOption, intOption } from "../option-parsers.js";
import { StageProgress } from "../progress.js";
import { addSplitOptions, type SplitOptions, splitFrom } from "../split-options.js";

interface EvaluateOptions extends DataOptions, SplitOptions, EmbeddingOptions {
  compare: boolean;
  model: ModelKind;
  k: number;
  json: boolean;
}

/** `palate evaluate`: split the data, train a model on the train part, score it on the test part. */
export function evaluateCommand(): Command {
  const command = new Command("evaluate").description(
    "train a model on a split of the data and report ranking metrics on the held-out part",
  );
  addDataOptions(command);
  addEmbeddingOptions(command);
  addSplitOptions(command);
  return command
    .addOption(
      new Option("--model <kind>", "model to evaluate")
        .argParser(choiceOption(MODEL_KINDS))
        .default("popularity"),
    )
    .option("--k <k>", "length of each recommendation list", intOption(1, 1000), 10)
    .option("--json", "print the report as JSON", false)
    .option(
      "--compare",
      "compare every model under the warm, cold-user (n = 1, 3, 5) and cold-item protocols",
      false,
    )
    .action(async (options: EvaluateOptions) => {
      const dataset = await loadFromOptions(options);
      if (options.compare) {
        const rows = await compareModels(dataset, MODEL_KINDS, COMPARE_PROTOCOLS, (row) => {
          if (options.json) console.log(JSON.stringify({ dataset: dataset.name, ...row }));
          else console.error(`  ${row.protocol} · ${row.model}: nDCG@10 ${row.ndcg10.toFixed(4)}`);
        });
        if (!options.json) console.log(comparisonTable(dataset.name, rows));
        return;
      }
      const split = splitFrom(options, interactionMatrix(dataset));
      if (!options.json) console.error(describeSplit(split));
      const progress = options.json ? undefined : new StageProgress();
      const external = await externalFrom(options, options.model);
      const model = createModel(options.model, {
        external,
        onStage: progress && ((stage, seconds) => progress.finish(stage, seconds)),
        onProgress: progress && ((stage, done, total) => progress.update(stage, done, total)),
      });
      await model.fit(trainingDataOf(dataset, split.train));
      const report = evaluate(model, split, {
        k: options.k,
        itemCategories: dataset.itemMeta.map((item) => item?.categories),
      });
      if (options.json) {
        console.log(
          JSON.stringify({ dataset: dataset.name, model: options.model, split: split.name, ...report }),
        );
      } else {
        console.log(`${dataset.name} · ${options.model} · ${split.name}\n${formatReport(report)}`);
      }
    });
}
