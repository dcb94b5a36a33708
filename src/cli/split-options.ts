import { type Command, Option } from "commander";
import type { CsrMatrix } from "../core/csr.js";
import { parseTimestamp } from "../data/timestamps.js";
import { coldItemSplit } from "../evaluation/cold-item-split.js";
import { coldUserSplit } from "../evaluation/cold-user-split.js";
import { leaveLastNSplit } from "../evaluation/leave-last-n-split.js";
import type { Split } from "../evaluation/splits.js";
import { stratifiedSplit } from "../evaluation/stratified-split.js";
import { temporalSplit } from "../evaluation/temporal-split.js";
import { usage } from "./data-options.js";
import { choiceOption, intOption, numberOption } from "./option-parsers.js";

/** The split kinds `--split` accepts; `item` (75/25 stratified by item, seed 42) is the protocol. */
export const SPLIT_KINDS = ["item", "user", "temporal", "leave-last", "cold-user", "cold-item"] as const;
export type SplitKind = (typeof SPLIT_KINDS)[number];

/** Split options as commander parsed them. */
export interface SplitOptions {
  split: SplitKind;
  ratio: number;
  seed: number;
  n: number;
  fraction?: number;
  cut?: string;
}

/** Adds `--split` and its parameters. */
export function addSplitOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--split <kind>", "how to hold out test data")
        .argParser(choiceOption(SPLIT_KINDS))
        .default("item"),
    )
    .option("--ratio <r>", "train share for item/user/temporal splits", numberOption(0.01, 0.99), 0.75)
    .option("--seed <n>", "random seed of the split", intOption(0, 2 ** 32 - 1), 42)
    .option("--n <n>", "leave-last: test entries per user; cold-user: training entries kept", intOption(1), 1)
    .option(
      "--fraction <f>",
      "cold-user: share of users (0.2); cold-item: share of items (0.1)",
      numberOption(0.001, 1),
    )
    .option("--cut <time>", "temporal: cut time (unix seconds or ISO 8601) instead of --ratio");
}

/** Applies the split the options describe to the full interaction matrix. */
export function splitFrom(options: SplitOptions, matrix: CsrMatrix): Split {
  const { ratio, seed, n, fraction } = options;
  switch (options.split) {
    case "item":
    case "user":
      return stratifiedSplit(matrix, { by: options.split, ratio, seed });
    case "temporal": {
      if (options.cut === undefined) return temporalSplit(matrix, { ratio });
      const cut = parseTimestamp(options.cut);
      if (cut === undefined) throw usage("--cut", `not a unix time or ISO 8601 date: "${options.cut}"`);
      return temporalSplit(matrix, { cut });
    }
    case "leave-last":
      return leaveLastNSplit(matrix, { n });
    case "cold-user":
      return coldUserSplit(matrix, { fraction: fraction ?? 0.2, n, seed });
    case "cold-item":
      return coldItemSplit(matrix, { fraction: fraction ?? 0.1, seed });
  }
}
