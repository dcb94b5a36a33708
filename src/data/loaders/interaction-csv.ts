import { InputError } from "../../core/errors.js";
import {
  batchRecord,
  type CsvBatch,
  type CsvOptions,
  type CsvRecord,
  readCsvBatches,
} from "../csv-reader.js";
import { parseTimestamp } from "../timestamps.js";
import { parseNumber, requireNumber } from "./cells.js";
import { InteractionSink } from "./interaction-sink.js";
import { countRows, type LoadContext, rejectRow } from "./load-context.js";

/** Which column holds what in an interaction file (-1: the file has no such column). */
export interface InteractionLayout {
  user: number;
  item: number;
  value: number;
  timestamp: number;
  type: number;
  /** Name of every column, in order (the header, or fixed names for a headerless file). */
  columns: readonly string[];
  /** Event type of a row without a type column. */
  defaultType: string;
}

/** Either a fixed layout (headerless file) or a function reading it from the header record. */
export type LayoutSource = InteractionLayout | ((header: CsvRecord) => InteractionLayout);

/**
 * Streams a delimited interaction file into the context; returns the layout it used. Rows are
 * parsed in place from the reader's batches: no row object survives its batch.
 */
export async function loadInteractionCsv(
  path: string,
  ctx: LoadContext,
  csv: CsvOptions,
  layoutSource: LayoutSource,
): Promise<InteractionLayout> {
  let layout = typeof layoutSource === "function" ? undefined : layoutSource;
  let sink: InteractionSink | undefined;
  let rows = 0;
  for await (const batch of readCsvBatches(path, csv)) {
    let start = 0;
    if (layout === undefined) {
      layout = (layoutSource as (header: CsvRecord) => InteractionLayout)(batchRecord(batch, 0));
      start = 1;
    }
    if (sink === undefined) {
      const c = layout.columns;
      sink = new InteractionSink(ctx, path, {
        user: c[layout.user],
        item: c[layout.item],
        type: layout.type === -1 ? "type" : c[layout.type],
      });
    }
    rows += batch.length - start;
    for (let r = start; r < batch.length; r++) {
      try {
        addRow(batch, r, path, layout, sink);
      } catch (error) {
        rejectRow(ctx, error);
      }
    }
  }
  if (layout === undefined) {
    if (typeof layoutSource === "function")
      throw new InputError({ source: path }, "empty file: a header is required");
    layout = layoutSource;
  }
  countRows(ctx, path, rows);
  return layout;
}

function addRow(
  batch: CsvBatch,
  r: number,
  path: string,
  layout: InteractionLayout,
  sink: InteractionSink,
): void {
  const f = batch.cells;
  const base = batch.starts[r];
  const count = batch.starts[r + 1] - base;
  const line = batch.lines[r];
  if (count !== layout.columns.length) {
    throw new InputError({ source: path, line }, `expected ${layout.columns.length} fields, found ${count}`);
  }
  let value: number | undefined;
  if (layout.value !== -1) {
    // parseNumber first: the location object for an error is only built when there is one.
    value = parseNumber(f[base + layout.value]);
    if (value === undefined) {
      requireNumber(f[base + layout.value], { source: path, line, field: layout.columns[layout.value] });
    }
  }
  let timestamp = 0;
  if (layout.timestamp !== -1) {
    const text = f[base + layout.timestamp];
    const parsed = parseTimestamp(text);
    if (parsed === undefined) {
      const field = layout.columns[layout.timestamp];
      const reason =
        text.length === 0 ? "missing value" : `not a unix time or ISO 8601 date: ${JSON.stringify(text)}`;
      throw new InputError({ source: path, line, field }, reason);
    }
    timestamp = parsed;
  }
  let type = layout.defaultType;
  if (layout.type !== -1) {
    type = f[base + layout.type];
    if (type.length === 0)
      throw new InputError({ source: path, line, field: layout.columns[layout.type] }, "missing value");
  }
  sink.add(line, f[base + layout.user], f[base + layout.item], value, timestamp, type);
}

/** Column names an interaction header may use for each role. */
export interface InteractionHeaderNames {
  user: string;
  item: string;
  /** Accepted names of the value column; at most one may appear. */
  value: readonly string[];
  timestamp: string;
  type: string;
}

/** The generic names: user_id, item_id, rating|weight|value, timestamp, type. */
export const GENERIC_INTERACTION_COLUMNS: InteractionHeaderNames = {
  user: "user_id",
  item: "item_id",
  value: ["rating", "weight", "value"],
  timestamp: "timestamp",
  type: "type",
};

/**
 * Reads a layout from a header: the user and item columns are required, the rest optional.
 * Columns with no role are returned in `ignored` so the caller can report them.
 */
export function layoutFromHeader(
  header: CsvRecord,
  path: string,
  names: InteractionHeaderNames,
): { layout: InteractionLayout; ignored: string[] } {
  const columns = header.fields.map((name) => name.trim());
  const at = (name: string) => columns.indexOf(name);
  const missing = [names.user, names.item].find((name) => at(name) === -1);
  if (missing !== undefined) {
    throw new InputError(
      { source: path, line: header.line, field: missing },
      "required column missing from the header",
    );
  }
  const valueColumns = names.value.filter((name) => at(name) !== -1);
  if (valueColumns.length > 1) {
    throw new InputError(
      { source: path, line: header.line, field: valueColumns[1] },
      `only one value column is allowed, found ${valueColumns.join(", ")}`,
    );
  }
  const duplicate = columns.find((name, i) => columns.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new InputError(
      { source: path, line: header.line, field: duplicate },
      "column appears twice in the header",
    );
  }
  const value = valueColumns.length === 1 ? at(valueColumns[0]) : -1;
  const layout: InteractionLayout = {
    user: at(names.user),
    item: at(names.item),
    value,
    timestamp: at(names.timestamp),
    type: at(names.type),
    columns,
    defaultType: value === -1 ? "interaction" : "rating",
  };
  const used = new Set([layout.user, layout.item, layout.value, layout.timestamp, layout.type]);
  return { layout, ignored: columns.filter((_, i) => !used.has(i)) };
}
