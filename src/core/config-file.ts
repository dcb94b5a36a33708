import { readFileSync } from "node:fs";
import type { z } from "zod";
import { InputError } from "./errors.js";

/** The 1-based line of a character offset in a text. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Reads a JSON config file and validates it with `schema`; errors name the file, the line of a
 * syntax error, and the field of a schema error (e.g. `serve.json: field 'cache.ttlMs'`).
 */
export function readConfigFile<S extends z.ZodType>(path: string, schema: S): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError(
      { source: path },
      `cannot read the config file (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const line = position ? lineAt(text, Number(position[1])) : undefined;
    throw new InputError({ source: path, line }, `not valid JSON: ${message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join(".");
    throw new InputError({ source: path, field: field || undefined }, issue.message);
  }
  return parsed.data;
}
