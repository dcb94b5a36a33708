import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import type { z } from "zod";
import { jsonSchema } from "./json-schema.js";

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

// Query strings and path parameters arrive as text: coerce them to the schema's types.
// removeAdditional false: an unknown parameter is an error, never silently dropped.
const coercing = new Ajv({ coerceTypes: "array", useDefaults: true, removeAdditional: false, strict: false });
addFormats(coercing);

/** JSON bodies validated by the zod schema they were documented from. */
const bodySchemas = new WeakMap<object, z.ZodType>();

/** The JSON Schema of a request body, remembered so validation uses zod's exact rules and paths. */
export function bodySchema(schema: z.ZodType): Record<string, unknown> {
  const json = jsonSchema(schema, "input");
  bodySchemas.set(json, schema);
  return json;
}

/** A zod issue path as text: `[3].user_id`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .replace(/^\./, "");
}

type Issue = z.core.$ZodIssue;

/**
 * The issue to report: for a union (one event or a batch), the branch that got furthest, so a
 * bad field of event 3 of a batch is reported as `[3].field`, not "invalid input".
 */
function deepestIssue(issue: Issue): Issue {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return issue;
  let best: Issue = issue;
  let depth = -1;
  for (const branch of issue.errors) {
    if (branch.length === 0) continue;
    const inner = deepestIssue(branch[0]);
    const d = inner.path.length + (inner.code === "invalid_type" && inner.path.length === 0 ? -1 : 0);
    if (d > depth) {
      depth = d;
      best = { ...inner, path: [...issue.path, ...inner.path] };
    }
  }
  return best;
}

/**
 * Fastify's validator compiler. Bodies are validated by zod (typed JSON: a wrong type is an
 * error, and the message names the exact field, e.g. `[3].user_id`); query strings and path
 * parameters by ajv with type coercion.
 */
export function validatorCompiler({ schema, httpPart }: { schema: object; httpPart?: string }) {
  const zodSchema = httpPart === "body" ? bodySchemas.get(schema) : undefined;
  if (zodSchema) {
    return (data: unknown) => {
      const parsed = zodSchema.safeParse(data);
      if (parsed.success) return { value: parsed.data };
      const issue = deepestIssue(parsed.error.issues[0]);
      const path = issuePath(issue.path);
      return { error: new Error(`body${path ? ` field '${path}'` : ""}: ${issue.message}`) };
    };
  }
  return coercing.compile(schema);
}
