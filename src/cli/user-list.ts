import { extname } from "node:path";
import { InputError } from "../core/errors.js";
import { ExternalIdSchema } from "../core/types.js";
import { readCsv } from "../data/csv-reader.js";
import { readNdjson } from "../data/ndjson-reader.js";

/**
 * The user ids listed in a CSV (a `user_id` column) or NDJSON file (a `user_id` field), each once
 * in first-seen order, so an interactions or users file can be passed as the list directly.
 */
export async function readUserIds(path: string): Promise<string[]> {
  const seen = new Set<string>();
  const add = (value: unknown, line: number) => {
    const parsed = ExternalIdSchema.safeParse(value);
    if (!parsed.success) {
      throw new InputError({ source: path, line, field: "user_id" }, parsed.error.issues[0].message);
    }
    seen.add(parsed.data);
  };
  const ext = extname(path).toLowerCase();
  if (ext === ".ndjson" || ext === ".jsonl") {
    for await (const { value, line } of readNdjson(path)) {
      const id =
        typeof value === "object" && value !== null
          ? (value as Record<string, unknown>)["user_id"]
          : undefined;
      add(id, line);
    }
    return [...seen];
  }
  let column = -1;
  for await (const { fields, line } of readCsv(path, { delimiter: ext === ".tsv" ? "\t" : "," })) {
    if (column < 0) {
      column = fields.indexOf("user_id");
      if (column < 0)
        throw new InputError({ source: path, line, field: "user_id" }, "header has no user_id column");
      continue;
    }
    add(fields[column], line);
  }
  if (column < 0)
    throw new InputError({ source: path, line: 1 }, "empty file: expected a header with user_id");
  return [...seen];
}
