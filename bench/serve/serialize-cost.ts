/**
 * The serialisation stage of a request: the route's response serializer (Fastify compiles it
 * from the same response schema as GET /v1/recommendations) timed on a typical body, beside
 * plain JSON.stringify for reference.
 */
import Fastify from "fastify";
import { RecommendationsResponse } from "../../src/server/api-schemas.js";
import { jsonSchema } from "../../src/server/json-schema.js";
import { type Summary, summarize } from "./percentiles.js";

/** Milliseconds per serialisation of one body. */
export interface SerializeCost {
  bytes: number;
  schema: Summary;
  jsonStringify: Summary;
}

type Serializer = (body: unknown) => string;

/** The serializer Fastify compiles for a route answering with the recommendation schema. */
async function routeSerializer(): Promise<Serializer> {
  const app = Fastify({ logger: false });
  let found: Serializer | null = null;
  app.get(
    "/probe",
    { schema: { response: { 200: jsonSchema(RecommendationsResponse) } } },
    async (_request, reply) => {
      found = reply.getSerializationFunction("200") as Serializer;
      return { recommendation_id: "", user_id: "", model_version: "", variant: "", items: [] };
    },
  );
  await app.inject({ method: "GET", url: "/probe" });
  await app.close();
  if (!found) throw new Error("Fastify compiled no serializer for the response schema");
  return found;
}

function timeEach(serialize: Serializer, body: unknown, calls: number): Summary {
  // Untimed calls first, so the timed ones run optimised code.
  for (let i = 0; i < 2000; i++) serialize(body);
  const times = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    serialize(body);
    times[i] = performance.now() - started;
  }
  return summarize(times);
}

/** Times the route's serializer and JSON.stringify on `body` (`calls` timed calls each). */
export async function serializeCost(body: unknown, calls = 20_000): Promise<SerializeCost> {
  const schema = await routeSerializer();
  return {
    bytes: Buffer.byteLength(schema(body)),
    schema: timeEach(schema, body, calls),
    jsonStringify: timeEach(JSON.stringify, body, calls),
  };
}
