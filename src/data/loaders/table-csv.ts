import { InputError } from "../../core/errors.js";
import { batchRecord, type CsvOptions, readCsvBatches } from "../csv-reader.js";
import { countRows, type LoadContext, rejectRow } from "./load-context.js";

/** How a table file names its columns. */
export interface TableShape {
  /** Fixed column names of a headerless file; when absent the first record is the header. */
  columns?: readonly string[];
  /** Columns a header must contain. */
  required?: readonly string[];
}

/** Called per data row with its cells (as many as there are columns) and 1-based line. */
export type RowHandler = (fields: string[], line: number) => void;

/**
 * Streams the rows of a delimited metadata file, checking the header and each row's field count.
 * A row the handler rejects with an InputError fails the load, or is counted under skipInvalid.
 * Returns the column names (trimmed header cells, or the fixed names).
 */
export async function forEachCsvRow(
  path: string,
  ctx: LoadContext,
  csv: CsvOptions,
  shape: TableShape,
  onRow: (columns: readonly string[]) => RowHandler,
): Promise<readonly string[]> {
  let columns = shape.columns;
  let handler = columns === undefined ? undefined : onRow(columns);
  let rows = 0;
  for await (const batch of readCsvBatches(path, csv)) {
    let start = 0;
    if (columns === undefined) {
      const header = batchRecord(batch, 0);
      columns = checkHeader(header.fields, header.line, path, shape.required ?? []);
      handler = onRow(columns);
      start = 1;
    }
    rows += batch.length - start;
    for (let r = start; r < batch.length; r++) {
      const { fields, line } = batchRecord(batch, r);
      try {
        if (fields.length !== columns.length) {
          throw new InputError(
            { source: path, line },
            `expected ${columns.length} fields, found ${fields.length}`,
          );
        }
        handler!(fields, line);
      } catch (error) {
        rejectRow(ctx, error);
      }
    }
  }
  if (columns === undefined) throw new InputError({ source: path }, "empty file: a header is required");
  countRows(ctx, path, rows);
  return columns;
}

function checkHeader(cells: string[], line: number, path: string, required: readonly string[]): string[] {
  const columns = cells.map((cell) => cell.trim());
  for (const name of required) {
    if (!columns.includes(name)) {
      throw new InputError({ source: path, line, field: name }, "required column missing from the header");
    }
  }
  const duplicate = columns.find((name, i) => columns.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new InputError({ source: path, line, field: duplicate }, "column appears twice in the header");
  }
  return columns;
}
