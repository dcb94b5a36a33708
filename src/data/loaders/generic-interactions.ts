import { InputError } from "../../core/errors.js";
import { readNdjson } from "../ndjson-reader.js";
import { timestampFromJson } from "../timestamps.js";
import { fileFormat, requireJsonId, requireJsonNumber, requireObject } from "./cells.js";
import {
  GENERIC_INTERACTION_COLUMNS,
  type InteractionLayout,
  layoutFromHeader,
  loadInteractionCsv,
} from "./interaction-csv.js";
import { InteractionSink } from "./interaction-sink.js";
import { countRows, type LoadContext, rejectRow } from "./load-context.js";

/** What a generic loader noticed besides the rows it loaded. */
export interface GenericLoadResult {
  /** Columns (or NDJSON keys) the loader does not use. */
  ignoredColumns: string[];
}

/**
 * Loads a generic interaction file (.csv, .tsv, .ndjson, .jsonl): `user_id`, `item_id`, at most
 * one of `rating`|`weight`|`value`, optional `timestamp` (unix seconds or ISO 8601; 0 when absent)
 * and `type` ("rating" when a value is given, else "interaction").
 */
export async function loadGenericInteractions(path: string, ctx: LoadContext): Promise<GenericLoadResult> {
  const format = fileFormat(path);
  if (format === "ndjson") return loadNdjsonInteractions(path, ctx);
  let ignored: string[] = [];
  const fromHeader = (header: Parameters<typeof layoutFromHeader>[0]): InteractionLayout => {
    const found = layoutFromHeader(header, path, GENERIC_INTERACTION_COLUMNS);
    ignored = found.ignored;
    return found.layout;
  };
  await loadInteractionCsv(path, ctx, { delimiter: format === "tsv" ? "\t" : "," }, fromHeader);
  return { ignoredColumns: ignored };
}

const KNOWN_KEYS = new Set(["user_id", "item_id", "rating", "weight", "value", "timestamp", "type"]);
const VALUE_KEYS = ["rating", "weight", "value"] as const;

async function loadNdjsonInteractions(path: string, ctx: LoadContext): Promise<GenericLoadResult> {
  const names = GENERIC_INTERACTION_COLUMNS;
  const sink = new InteractionSink(ctx, path, { user: names.user, item: names.item, type: names.type });
  const ignored = new Set<string>();
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
      for (const key in row) if (!KNOWN_KEYS.has(key)) ignored.add(key);
      const userId = requireJsonId(row["user_id"], { source: path, line, field: names.user });
      const itemId = requireJsonId(row["item_id"], { source: path, line, field: names.item });
      const valueKeys = VALUE_KEYS.filter((key) => row[key] !== undefined);
      if (valueKeys.length > 1) {
        throw new InputError(
          { source: path, line, field: valueKeys[1] },
          `only one of ${valueKeys.join(", ")} is allowed`,
        );
      }
      const valueKey = valueKeys[0];
      const value =
        valueKey === undefined
          ? undefined
          : requireJsonNumber(row[valueKey], { source: path, line, field: valueKey });
      let timestamp = 0;
      if (row["timestamp"] !== undefined) {
        const parsed = timestampFromJson(row["timestamp"]);
        if (parsed === undefined) {
          throw new InputError(
            { source: path, line, field: "timestamp" },
            `not a unix time or ISO 8601 date: ${JSON.stringify(row["timestamp"])}`,
          );
        }
        timestamp = parsed;
      }
      let type = value === undefined ? "interaction" : "rating";
      if (row["type"] !== undefined) {
        if (typeof row["type"] !== "string") {
          throw new InputError(
            { source: path, line, field: "type" },
            `must be a string, got ${JSON.stringify(row["type"])}`,
          );
        }
        type = row["type"];
      }
      sink.add(line, userId, itemId, value, timestamp, type);
    } catch (error) {
      rejectRow(ctx, error);
    }
  }
  countRows(ctx, path, rows);
  return { ignoredColumns: [...ignored] };
}
