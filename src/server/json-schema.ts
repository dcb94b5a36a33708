import { z } from "zod";

/** A zod schema as the JSON Schema (draft 7) Fastify validates, serialises and documents with. */
export function jsonSchema(schema: z.ZodType, io: "input" | "output" = "output"): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: "draft-7", io, unrepresentable: "any" });
  return rest;
}
