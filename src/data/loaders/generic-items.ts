import { InputError } from "../../core/errors.js";
import type { AttributeValue, Item } from "../../core/types.js";
import { readNdjson } from "../ndjson-reader.js";
import {
  type CellLocation,
  cellAttribute,
  cleanList,
  fileFormat,
  jsonAttribute,
  requireId,
  requireJsonId,
  requireJsonNumber,
  requireNumber,
  requireObject,
  requireRange,
  splitList,
} from "./cells.js";
import type { GenericLoadResult } from "./generic-interactions.js";
import { countRows, type LoadContext, rejectRow } from "./load-context.js";
import { addItem } from "./metadata.js";
import { forEachCsvRow } from "./table-csv.js";

const ID = "item_id";

/**
 * Loads a generic item file (.csv, .tsv, .ndjson, .jsonl) in file order: `item_id`, optional
 * `title`, `categories` (`|`-separated, or a JSON array), `price`, `lat`, `lon`; every other
 * column is an attribute (numeric when it reads as a number). Empty cells are absent.
 */
export async function loadGenericItems(path: string, ctx: LoadContext): Promise<GenericLoadResult> {
  const format = fileFormat(path);
  if (format === "ndjson") return loadNdjsonItems(path, ctx);
  await forEachCsvRow(
    path,
    ctx,
    { delimiter: format === "tsv" ? "\t" : "," },
    { required: [ID] },
    (columns) => {
      const idColumn = columns.indexOf(ID);
      return (fields, line) => {
        const at = (field: string): CellLocation => ({ source: path, line, field });
        const item: Item = { itemId: requireId(fields[idColumn], at(ID)), categories: [], attributes: {} };
        for (let c = 0; c < columns.length; c++) {
          const cell = fields[c];
          if (c !== idColumn && cell.length > 0) setCsvField(item, columns[c], cell, at(columns[c]));
        }
        addItem(ctx, item, { source: path, line, idField: ID });
      };
    },
  );
  return { ignoredColumns: [] };
}

function setCsvField(item: Item, name: string, cell: string, at: CellLocation): void {
  switch (name) {
    case "title":
      item.title = cell;
      return;
    case "categories":
      item.categories = splitList(cell);
      return;
    case "price":
      item.price = requireNumber(cell, at);
      return;
    case "lat":
      item.lat = requireRange(requireNumber(cell, at), -90, 90, at);
      return;
    case "lon":
      item.lon = requireRange(requireNumber(cell, at), -180, 180, at);
      return;
    default:
      item.attributes[name] = cellAttribute(cell);
  }
}

async function loadNdjsonItems(path: string, ctx: LoadContext): Promise<GenericLoadResult> {
  let rows = 0;
  const onError = (error: InputError) => {
    rows++;
    rejectRow(ctx, error);
  };
  for await (const record of readNdjson(path, { onError })) {
    rows++;
    try {
      const row = requireObject(record.value, path, record.line);
      addItem(ctx, itemFromJson(row, path, record.line), { source: path, line: record.line, idField: ID });
    } catch (error) {
      rejectRow(ctx, error);
    }
  }
  countRows(ctx, path, rows);
  return { ignoredColumns: [] };
}

function itemFromJson(row: Record<string, unknown>, path: string, line: number): Item {
  const at = (field: string): CellLocation => ({ source: path, line, field });
  const item: Item = { itemId: requireJsonId(row[ID], at(ID)), categories: [], attributes: {} };
  for (const [key, value] of Object.entries(row)) {
    if (key === ID || value === null || value === undefined || value === "") continue;
    switch (key) {
      case "title":
        if (typeof value !== "string")
          throw new InputError(at(key), `must be a string, got ${JSON.stringify(value)}`);
        item.title = value;
        break;
      case "categories":
        item.categories = jsonCategories(value, at(key));
        break;
      case "price":
        item.price = requireJsonNumber(value, at(key));
        break;
      case "lat":
        item.lat = requireRange(requireJsonNumber(value, at(key)), -90, 90, at(key));
        break;
      case "lon":
        item.lon = requireRange(requireJsonNumber(value, at(key)), -180, 180, at(key));
        break;
      case "attributes":
        Object.assign(item.attributes, jsonAttributes(value, at));
        break;
      default:
        setJsonAttribute(item.attributes, key, value, at(key));
    }
  }
  return item;
}

function jsonCategories(value: unknown, at: CellLocation): string[] {
  if (typeof value === "string") return splitList(value);
  if (Array.isArray(value) && value.every((entry) => typeof entry === "string")) {
    return cleanList(value);
  }
  throw new InputError(at, "must be an array of strings or a '|'-separated string");
}

/** The `attributes` object of an NDJSON row (its keys merge with top-level extra keys). */
export function jsonAttributes(
  value: unknown,
  at: (field: string) => CellLocation,
): Record<string, AttributeValue> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(at("attributes"), "must be a JSON object");
  }
  const out: Record<string, AttributeValue> = {};
  for (const [key, entry] of Object.entries(value))
    setJsonAttribute(out, key, entry, at(`attributes.${key}`));
  return out;
}

function setJsonAttribute(
  out: Record<string, AttributeValue>,
  key: string,
  value: unknown,
  at: CellLocation,
): void {
  const attribute = jsonAttribute(value, at);
  if (attribute !== undefined) out[key] = attribute;
}
