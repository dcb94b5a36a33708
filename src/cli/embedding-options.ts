import type { Command } from "commander";
import { readEmbeddings } from "../models/external/read-embeddings.js";
import type { HybridOptions } from "../models/hybrid/hybrid-options.js";
import type { ModelKind } from "../models/model-kinds.js";
import { usage } from "./data-options.js";

/** Imported-embedding flags as commander parsed them. */
export interface EmbeddingOptions {
  itemEmbeddings?: string;
  userEmbeddings?: string;
}

/** Adds `--item-embeddings F [--user-embeddings F]` (TSV, or .npy with a .ids file beside it). */
export function addEmbeddingOptions(command: Command): Command {
  return command
    .option(
      "--item-embeddings <file>",
      "externally trained item vectors to blend in (TSV id⇥v1⇥…, or .npy + .ids)",
    )
    .option(
      "--user-embeddings <file>",
      "the matching user vectors (optional; else users average their items)",
    );
}

/** The hybrid's `external` option from the flags (read and validated), or nothing. */
export async function externalFrom(
  options: EmbeddingOptions,
  kind: ModelKind,
): Promise<HybridOptions["external"]> {
  if (!options.itemEmbeddings) {
    if (options.userEmbeddings) throw usage("--user-embeddings", "needs --item-embeddings too");
    return undefined;
  }
  if (kind !== "hybrid")
    throw usage("--item-embeddings", "imported embeddings are a part of the hybrid model");
  return {
    items: await readEmbeddings(options.itemEmbeddings),
    users: options.userEmbeddings ? await readEmbeddings(options.userEmbeddings) : undefined,
  };
}
