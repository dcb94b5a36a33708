import { basename, extname, join } from "node:path";
import type { Dataset } from "../core/dataset.js";
import { loadGenericInteractions } from "./loaders/generic-interactions.js";
import { loadGenericItems } from "./loaders/generic-items.js";
import { loadGenericUsers } from "./loaders/generic-users.js";
import {
  capacityFor,
  createLoadContext,
  finishDataset,
  type LoadContext,
  type LoadOptions,
} from "./loaders/load-context.js";
import { loadMovieLens } from "./loaders/movielens.js";
import { loadRestaurantConsumer } from "./loaders/restaurant-consumer.js";

export type { LoadOptions } from "./loaders/load-context.js";

/** The named dataset layouts `loadDataset` knows. */
export type DatasetName = "movielens" | "restaurant-consumer" | "city";

/** Where a dataset comes from: generic files, or a directory in a known layout. */
export type DataSource =
  | { kind: "files"; interactions: string; items?: string; users?: string }
  | { kind: "dataset"; name: DatasetName; path: string };

/** A loaded dataset and what the load noticed but did not fail on. */
export interface LoadResult {
  dataset: Dataset;
  warnings: string[];
}

/**
 * Loads a dataset: the one entry point of every CLI command. Item and user files are read before
 * the interactions, so indices follow the catalogue; ids seen only in interactions come after.
 */
export async function loadDataset(source: DataSource, options: LoadOptions = {}): Promise<LoadResult> {
  const ctx = createLoadContext(options, capacityFor(interactionFiles(source)));
  if (source.kind === "files") {
    const listed = await loadFiles(source, ctx);
    const dataset = finishDataset(ctx, basename(source.interactions, extname(source.interactions)));
    return { dataset, warnings: [...ctx.warnings, ...unlistedWarnings(dataset, source, listed)] };
  }
  switch (source.name) {
    case "movielens":
      await loadMovieLens(source.path, ctx);
      break;
    case "restaurant-consumer":
      await loadRestaurantConsumer(source.path, ctx);
      break;
    case "city": {
      // The simulated city writes the generic layout: it is the generic loader on three files.
      const files: FileSource = {
        kind: "files",
        interactions: join(source.path, "interactions.csv"),
        items: join(source.path, "items.csv"),
        users: join(source.path, "users.csv"),
      };
      const listed = await loadFiles(files, ctx);
      const dataset = finishDataset(ctx, basename(source.path));
      return { dataset, warnings: [...ctx.warnings, ...unlistedWarnings(dataset, files, listed)] };
    }
  }
  return { dataset: finishDataset(ctx, basename(source.path)), warnings: ctx.warnings };
}

type FileSource = Extract<DataSource, { kind: "files" }>;

/** The files that hold a source's interactions (only used to size the builder). */
function interactionFiles(source: DataSource): string[] {
  if (source.kind === "files") return [source.interactions];
  switch (source.name) {
    case "movielens":
      return [join(source.path, "ratings.csv"), join(source.path, "u.data")];
    case "restaurant-consumer":
      return [join(source.path, "rating_final.csv")];
    case "city":
      return [join(source.path, "interactions.csv")];
  }
}

/** How many items and users the metadata files listed (their indices come first). */
interface Listed {
  items: number;
  users: number;
}

async function loadFiles(source: FileSource, ctx: LoadContext): Promise<Listed> {
  const ignored = (path: string, columns: string[]) => {
    if (columns.length > 0) ctx.warnings.push(`${path}: ignored columns: ${columns.join(", ")}`);
  };
  if (source.items !== undefined)
    ignored(source.items, (await loadGenericItems(source.items, ctx)).ignoredColumns);
  if (source.users !== undefined)
    ignored(source.users, (await loadGenericUsers(source.users, ctx)).ignoredColumns);
  const listed = { items: ctx.items.size, users: ctx.users.size };
  ignored(source.interactions, (await loadGenericInteractions(source.interactions, ctx)).ignoredColumns);
  return listed;
}

/**
 * Interactions naming ids absent from a given metadata file are allowed (the ids get indices
 * without metadata) but worth a warning with counts. They are the indices at or past `listed`.
 */
function unlistedWarnings(dataset: Dataset, source: FileSource, listed: Listed): string[] {
  const out: string[] = [];
  const t = dataset.interactions;
  const check = (
    kind: "item" | "user",
    metadataPath: string | undefined,
    column: Int32Array,
    count: number,
    total: number,
  ) => {
    if (metadataPath === undefined || total === count) return;
    let rows = 0;
    for (let i = 0; i < t.length; i++) if (column[i] >= count) rows++;
    out.push(
      `${source.interactions}: ${rows} interactions name ${total - count} ${kind}s absent from ${metadataPath}; ` +
        "they were kept without metadata",
    );
  };
  check("item", source.items, t.itemIndex, listed.items, dataset.items.size);
  check("user", source.users, t.userIndex, listed.users, dataset.users.size);
  return out;
}
