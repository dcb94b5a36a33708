import type { InputError } from "../../core/errors.js";
import type { User } from "../../core/types.js";
import { readNdjson } from "../ndjson-reader.js";
import {
  type CellLocation,
  cellAttribute,
  fileFormat,
  jsonAttribute,
  requireId,
  requireJsonId,
  requireObject,
} from "./cells.js";
import type { GenericLoadResult } from "./generic-interactions.js";
import { jsonAttributes } from "./generic-items.js";
import { countRows, type LoadContext, rejectRow } from "./load-context.js";
import { addUser } from "./metadata.js";
import { forEachCsvRow } from "./table-csv.js";

const ID = "user_id";

/**
 * Loads a generic user file (.csv, .tsv, .ndjson, .jsonl): `user_id` plus attributes, numeric
 * when a cell reads as a number, else categorical; empty cells are absent.
 */
export async function loadGenericUsers(path: string, ctx: LoadContext): Promise<GenericLoadResult> {
  const format = fileFormat(path);
  if (format === "ndjson") return loadNdjsonUsers(path, ctx);
  await forEachCsvRow(
    path,
    ctx,
    { delimiter: format === "tsv" ? "\t" : "," },
    { required: [ID] },
    (columns) => {
      const idColumn = columns.indexOf(ID);
      return (fields, line) => {
        const user: User = {
          userId: requireId(fields[idColumn], { source: path, line, field: ID }),
          attributes: {},
        };
        for (let c = 0; c < columns.length; c++) {
          if (c !== idColumn && fields[c].length > 0) user.attributes[columns[c]] = cellAttribute(fields[c]);
        }
        addUser(ctx, user, { source: path, line, idField: ID });
      };
    },
  );
  return { ignoredColumns: [] };
}

async function loadNdjsonUsers(path: string, ctx: LoadContext): Promise<GenericLoadResult> {
  let rows = 0;
  const onError = (error: InputError) => {
    rows++;
    rejectRow(ctx, error);
  };
  for await (const record of readNdjson(path, { onError })) {
    rows++;
    const line = record.line;
    try {
      const row = requireObject(record.value, path, line);
      const at = (field: string): CellLocation => ({ source: path, line, field });
      const user: User = { userId: requireJsonId(row[ID], at(ID)), attributes: {} };
      for (const [key, value] of Object.entries(row)) {
        if (key === ID) continue;
        if (key === "attributes" && value !== null) Object.assign(user.attributes, jsonAttributes(value, at));
        else {
          const attribute = jsonAttribute(value, at(key));
          if (attribute !== undefined) user.attributes[key] = attribute;
        }
      }
      addUser(ctx, user, { source: path, line, idField: ID });
    } catch (error) {
      rejectRow(ctx, error);
    }
  }
  countRows(ctx, path, rows);
  return { ignoredColumns: [] };
}
