import { type Command, Option } from "commander";
import type { Dataset } from "../core/dataset.js";
import { InputError } from "../core/errors.js";
import { type DataSource, loadDataset } from "../data/load-dataset.js";
import { choiceOption } from "./option-parsers.js";

const DATASETS = ["movielens", "restaurant-consumer", "city"] as const;

/** The options every data-reading command shares, as commander parsed them. */
export interface DataOptions {
  interactions?: string;
  items?: string;
  users?: string;
  dataset?: (typeof DATASETS)[number];
  path?: string;
  skipInvalid?: boolean;
}

/** Adds `--interactions/--items/--users` or `--dataset/--path`, and `--skip-invalid`. */
export function addDataOptions(command: Command, usersFlag = true): Command {
  command
    .option("--interactions <file>", "interactions file (CSV or NDJSON)")
    .option("--items <file>", "item metadata file (CSV or NDJSON)");
  if (usersFlag) command.option("--users <file>", "user metadata file (CSV or NDJSON)");
  return command
    .addOption(
      new Option("--dataset <name>", "a known dataset layout instead of files").argParser(
        choiceOption(DATASETS),
      ),
    )
    .option("--path <dir>", "directory of the --dataset (the MovieLens layout is detected)")
    .option("--skip-invalid", "skip malformed rows (counted and reported) instead of failing", false);
}

/** The data source the options name, or an error saying which options are missing or clash. */
export function dataSourceFrom(options: DataOptions): DataSource {
  if (options.dataset !== undefined) {
    if (options.interactions || options.items || options.users) {
      throw usage("--dataset", "give either --dataset/--path or --interactions/--items/--users, not both");
    }
    if (!options.path) throw usage("--path", `--dataset ${options.dataset} needs --path DIR`);
    return { kind: "dataset", name: options.dataset, path: options.path };
  }
  if (!options.interactions) {
    throw usage("--interactions", "no data: give --interactions FILE or --dataset NAME --path DIR");
  }
  if (options.path) throw usage("--path", "--path belongs with --dataset");
  return { kind: "files", interactions: options.interactions, items: options.items, users: options.users };
}

/** Loads the data the options name and reports warnings and skipped rows on stderr. */
export async function loadFromOptions(options: DataOptions): Promise<Dataset> {
  const { dataset, warnings } = await loadDataset(dataSourceFrom(options), {
    skipInvalid: options.skipInvalid,
  });
  for (const warning of warnings) console.error(`warning: ${warning}`);
  const r = dataset.report;
  if (r.skipped > 0) {
    console.error(`skipped ${r.skipped} malformed rows (--skip-invalid); first ones:`);
    for (const example of r.skippedExamples) console.error(`  ${example}`);
  }
  return dataset;
}

/** A command-line usage error naming the flag at fault. */
export function usage(flag: string, reason: string): InputError {
  return new InputError({ source: "command line", field: flag }, reason);
}
