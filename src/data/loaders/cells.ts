import { extname } from "node:path";
import { InputError } from "../../core/errors.js";
import { type AttributeValue, ExternalIdSchema } from "../../core/types.js";

/**
 * The number written in `text`, or undefined. Stricter than `Number()`, which also accepts "",
 * surrounding blanks and hex/octal/binary literals: a cell must be a plain decimal number.
 */
export function parseNumber(text: string): number | undefined {
  const len = text.length;
  if (len === 0) return undefined;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(len - 1);
  // first: digit, '+', '-' or '.'; last: digit or '.'; this also rules out blanks at either end.
  if (!((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46)) return undefined;
  if (!((last >= 48 && last <= 57) || last === 46)) return undefined;
  if (len > 1 && first === 48) {
    const second = text.charCodeAt(1) | 0x20;
    if (second === 120 || second === 111 || second === 98) return undefined; // 0x, 0o, 0b
  }
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Where a cell sits, for error messages. */
export interface CellLocation {
  source: string;
  line: number;
  field: string;
}

/** The number in a cell; throws an InputError naming the cell when it is empty or not a number. */
export function requireNumber(text: string, at: CellLocation): number {
  const n = parseNumber(text);
  if (n !== undefined) return n;
  throw new InputError(at, text.length === 0 ? "missing value" : `not a number: ${JSON.stringify(text)}`);
}

/** Checks a number lies in [min, max]; throws an InputError naming the cell otherwise. */
export function requireRange(value: number, min: number, max: number, at: CellLocation): number {
  if (value < min || value > max) throw new InputError(at, `${value} is outside [${min}, ${max}]`);
  return value;
}

/** Validates an external id with the core schema; throws an InputError naming the cell. */
export function requireId(text: string, at: CellLocation): string {
  const result = ExternalIdSchema.safeParse(text);
  if (result.success) return text;
  const reason = result.error.issues[0]?.message ?? "invalid id";
  throw new InputError(at, `${reason}: ${JSON.stringify(text)}`);
}

/** An id from JSON: a string, or an integer written as a JSON number. */
export function requireJsonId(value: unknown, at: CellLocation): string {
  if (typeof value === "string") return requireId(value, at);
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (value === undefined || value === null) throw new InputError(at, "missing value");
  throw new InputError(at, `must be a string or an integer, got ${JSON.stringify(value)}`);
}

/** A number from JSON: a finite number or a string holding one. */
export function requireJsonNumber(value: unknown, at: CellLocation): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string") return requireNumber(value, at);
  if (value === undefined || value === null) throw new InputError(at, "missing value");
  throw new InputError(at, `not a number: ${JSON.stringify(value)}`);
}

/** A CSV cell as an attribute: numeric when it reads as a finite number, else the text itself. */
export function cellAttribute(text: string): AttributeValue {
  const n = parseNumber(text);
  return n === undefined ? text : n;
}

/**
 * A JSON value as an attribute: numbers and strings as they are (JSON already says which),
 * booleans as "true"/"false"; null and "" mean absent (undefined).
 */
export function jsonAttribute(value: unknown, at: CellLocation): AttributeValue | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "boolean") return String(value);
  throw new InputError(at, `an attribute must be a number, string or boolean, got ${JSON.stringify(value)}`);
}

/** The non-empty, trimmed, de-duplicated entries of a `|`-separated list. */
export function splitList(text: string, separator = "|"): string[] {
  return cleanList(text.split(separator));
}

/** The non-empty, trimmed entries of `parts`, each once, in first-seen order. */
export function cleanList(parts: Iterable<string>): string[] {
  const out: string[] = [];
  for (const part of parts) {
    const entry = part.trim();
    if (entry.length > 0 && !out.includes(entry)) out.push(entry);
  }
  return out;
}

/** The file formats the generic loaders read. */
export type FileFormat = "csv" | "tsv" | "ndjson";

/** The format of a file from its extension (.csv, .tsv, .ndjson, .jsonl). */
export function fileFormat(path: string): FileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".tsv") return "tsv";
  if (ext === ".ndjson" || ext === ".jsonl") return "ndjson";
  throw new InputError(
    { source: path },
    `unknown file format '${ext}' (expected .csv, .tsv, .ndjson or .jsonl)`,
  );
}

/** A JSON value that must be a plain object (one NDJSON record). */
export function requireObject(value: unknown, source: string, line: number): Record<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  throw new InputError({ source, line }, "expected a JSON object");
}
