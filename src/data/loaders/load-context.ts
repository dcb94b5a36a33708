import { statSync } from "node:fs";
import { type Dataset, emptyLoadReport, type LoadReport } from "../../core/dataset.js";
import { InputError } from "../../core/errors.js";
import { DEFAULT_EVENT_WEIGHTS, type EventWeights } from "../../core/event-weights.js";
import { IdDictionary } from "../../core/id-dictionary.js";
import { InteractionTableBuilder } from "../../core/interaction-table.js";
import type { Item, User } from "../../core/types.js";

/** Options every load accepts. */
export interface LoadOptions {
  /** Skip (and count) malformed rows instead of failing on the first one. */
  skipInvalid?: boolean;
  /** Weights of event types without an explicit value (default: DEFAULT_EVENT_WEIGHTS). */
  eventWeights?: EventWeights;
}

/** How many skipped-row messages a report keeps. */
export const MAX_SKIPPED_EXAMPLES = 10;

/**
 * The state a load accumulates across files: dictionaries, the interaction builder, metadata by
 * index, the report and warnings. Loaders append to it in the order the files are read, which
 * decides the dense indices.
 */
export interface LoadContext {
  readonly users: IdDictionary;
  readonly items: IdDictionary;
  readonly interactions: InteractionTableBuilder;
  readonly itemMeta: (Item | undefined)[];
  readonly userMeta: (User | undefined)[];
  readonly report: LoadReport;
  readonly warnings: string[];
  readonly skipInvalid: boolean;
  readonly eventWeights: EventWeights;
  readonly startedAt: number;
}

/** Bytes per interaction row assumed when sizing the builder from file sizes (a short row). */
const MIN_ROW_BYTES = 16;

/**
 * A capacity for the interaction builder from the sizes of the files that hold interactions.
 * It errs high: growing a large builder copies every column, while capacity that is never
 * written to costs only address space (fresh typed arrays are lazily zeroed pages).
 */
export function capacityFor(paths: readonly string[]): number {
  let bytes = 0;
  for (const path of paths) {
    try {
      bytes += statSync(path).size;
    } catch {
      // A missing file is reported when it is read; here it just adds nothing.
    }
  }
  return Math.min(1 << 28, Math.ceil(bytes / MIN_ROW_BYTES));
}

/** A fresh context for one load; `expectedRows` sizes the interaction builder (see capacityFor). */
export function createLoadContext(options: LoadOptions = {}, expectedRows = 1 << 16): LoadContext {
  return {
    users: new IdDictionary(),
    items: new IdDictionary(),
    interactions: new InteractionTableBuilder(expectedRows),
    itemMeta: [],
    userMeta: [],
    report: emptyLoadReport(),
    warnings: [],
    skipInvalid: options.skipInvalid ?? false,
    eventWeights: options.eventWeights ?? DEFAULT_EVENT_WEIGHTS,
    startedAt: performance.now(),
  };
}

/**
 * Handles a row that failed: rethrows unless the load skips invalid rows, in which case the row
 * is counted and its message kept among the first examples. Errors other than InputError are
 * bugs or I/O failures and always propagate.
 */
export function rejectRow(ctx: LoadContext, error: unknown): void {
  if (!ctx.skipInvalid || !(error instanceof InputError)) throw error;
  ctx.report.skipped++;
  if (ctx.report.skippedExamples.length < MAX_SKIPPED_EXAMPLES)
    ctx.report.skippedExamples.push(error.message);
}

/** Adds `rows` data rows read from `source` to the report. */
export function countRows(ctx: LoadContext, source: string, rows: number): void {
  ctx.report.rowsBySource[source] = (ctx.report.rowsBySource[source] ?? 0) + rows;
}

/** Freezes the context into a Dataset, filling the per-type counts and the elapsed time. */
export function finishDataset(ctx: LoadContext, name: string): Dataset {
  const interactions = ctx.interactions.finish();
  const counts = new Float64Array(interactions.types.size);
  for (let i = 0; i < interactions.length; i++) counts[interactions.typeCode[i]]++;
  for (let code = 0; code < counts.length; code++) {
    ctx.report.byType[interactions.types.idAt(code)] = counts[code];
  }
  ctx.report.seconds = (performance.now() - ctx.startedAt) / 1000;
  return {
    name,
    users: ctx.users,
    items: ctx.items,
    interactions,
    itemMeta: Array.from({ length: ctx.items.size }, (_, i) => ctx.itemMeta[i]),
    userMeta: Array.from({ length: ctx.users.size }, (_, i) => ctx.userMeta[i]),
    report: ctx.report,
  };
}
