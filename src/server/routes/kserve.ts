import type { FastifyError, FastifyPluginAsync, FastifyReply } from "fastify";
import { z } from "zod";
import { ExternalIdSchema } from "../../core/types.js";
import type { AppContext } from "../app-context.js";
import { logImpression } from "../impressions.js";
import { describeError } from "../problem.js";
import { bodySchema } from "../validator.js";

/** One input tensor of the Open Inference Protocol; data may be flat or nested row-major. */
const Tensor = z.object({
  name: z.string().min(1).max(256),
  shape: z.array(z.number().int().min(0)).max(8),
  datatype: z.string().min(1).max(16),
  parameters: z.record(z.string(), z.unknown()).optional(),
  data: z.array(z.unknown()).max(100_000),
});

/** Body of POST /v2/models/{name}/infer. */
const InferRequest = z.object({
  id: z.string().max(256).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  inputs: z.array(Tensor).min(1).max(16),
  outputs: z.array(z.object({ name: z.string() }).passthrough()).optional(),
});
type InferRequest = z.infer<typeof InferRequest>;

const MAX_BATCH = 1000;

/** The protocol's error body: `{"error": "..."}`. */
function inferError(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).send({ error });
}

function flatten(data: unknown[]): unknown[] {
  return data.flat(8);
}

/**
 * The KServe Open Inference Protocol (v2) over REST, so the same process runs as a KServe custom
 * predictor: server and model metadata, health, and `infer` with inputs `user_id` (BYTES) and
 * `k` (INT32), outputs `item_id` (BYTES, [N, k]) and `score` (FP32, [N, k]). Rows shorter than k
 * (a tiny catalogue) are padded with "" and score 0. Errors use the protocol's `{"error"}` body.
 */
export function kserveRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const { status, detail } = describeError(error);
      if (status >= 500) request.log.error({ err: error }, "request failed");
      return inferError(reply, status, detail);
    });
    const hide = { schema: { hide: true } };
    app.get("/v2", hide, async () => ({ name: "palate", version: "0.1.0", extensions: [] }));
    app.get("/v2/health/live", hide, async () => ({ live: true }));
    app.get("/v2/health/ready", hide, async (_request, reply) =>
      reply.code(context.service ? 200 : 503).send({ ready: context.service !== null }),
    );
    app.get<{ Params: { name: string } }>("/v2/models/:name", hide, async (request, reply) => {
      if (request.params.name !== context.modelName)
        return inferError(reply, 404, `unknown model '${request.params.name}'`);
      return {
        name: context.modelName,
        versions: context.service ? [context.service.model.version] : [],
        platform: "palate",
        inputs: [
          { name: "user_id", datatype: "BYTES", shape: [-1] },
          { name: "k", datatype: "INT32", shape: [1] },
        ],
        outputs: [
          { name: "item_id", datatype: "BYTES", shape: [-1, -1] },
          { name: "score", datatype: "FP32", shape: [-1, -1] },
        ],
      };
    });
    app.get<{ Params: { name: string } }>("/v2/models/:name/ready", hide, async (request, reply) => {
      if (request.params.name !== context.modelName)
        return inferError(reply, 404, `unknown model '${request.params.name}'`);
      return reply
        .code(context.service ? 200 : 503)
        .send({ name: context.modelName, ready: context.service !== null });
    });
    app.post<{ Params: { name: string }; Body: InferRequest }>(
      "/v2/models/:name/infer",
      { schema: { hide: true, body: bodySchema(InferRequest) } },
      async (request, reply) => {
        if (request.params.name !== context.modelName)
          return inferError(reply, 404, `unknown model '${request.params.name}'`);
        const service = context.service;
        if (!service) return inferError(reply, 503, "no model loaded yet");
        const byName = new Map(request.body.inputs.map((t) => [t.name, t]));
        const users = byName.get("user_id");
        if (users?.datatype !== "BYTES") return inferError(reply, 400, "input 'user_id' (BYTES) is required");
        const ids = flatten(users.data);
        if (ids.length === 0 || ids.length > MAX_BATCH)
          return inferError(reply, 400, `input 'user_id': 1 to ${MAX_BATCH} ids, got ${ids.length}`);
        for (const [i, id] of ids.entries()) {
          const parsed = ExternalIdSchema.safeParse(id);
          if (!parsed.success)
            return inferError(reply, 400, `input 'user_id' element ${i}: ${parsed.error.issues[0].message}`);
        }
        const kTensor = byName.get("k");
        let k = 10;
        if (kTensor) {
          const value = flatten(kTensor.data)[0];
          if (
            kTensor.datatype !== "INT32" ||
            !Number.isInteger(value) ||
            (value as number) < 1 ||
            (value as number) > 100
          )
            return inferError(reply, 400, "input 'k' must be one INT32 between 1 and 100");
          k = value as number;
        }
        const itemIds: string[] = [];
        const scores: number[] = [];
        for (const id of ids as string[]) {
          const result = await service.recommend({ userId: id, k, exclude: [], diversity: 0 });
          logImpression(context, result);
          for (let slot = 0; slot < k; slot++) {
            itemIds.push(result.items[slot]?.itemId ?? "");
            scores.push(result.items[slot]?.score ?? 0);
          }
        }
        const shape = [ids.length, k];
        return {
          model_name: context.modelName,
          model_version: service.model.version,
          ...(request.body.id !== undefined ? { id: request.body.id } : {}),
          outputs: [
            { name: "item_id", datatype: "BYTES", shape, data: itemIds },
            { name: "score", datatype: "FP32", shape, data: scores },
          ],
        };
      },
    );
  };
}
