import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { CatalogFacts } from "../../experiments/controller.js";
import type { DecisionRules } from "../../experiments/decision.js";
import { readExperiment } from "../../experiments/experiment-view.js";
import type { ModelRegistry } from "../../experiments/registry.js";
import { RegistryError } from "../../experiments/registry-rules.js";
import { isAdmin } from "../admin-auth.js";
import type { AppContext } from "../app-context.js";
import { sendProblem } from "../problem.js";
import { bodySchema } from "../validator.js";

/** What the admin routes need: the token, the registry, the rules and the catalogue's facts. */
export interface AdminDeps {
  token: string;
  registry: ModelRegistry;
  rules: DecisionRules;
  catalog: () => CatalogFacts;
}

const VersionParams = {
  type: "object",
  properties: { version: { type: "string", minLength: 1, maxLength: 256 } },
  required: ["version"],
};
const CanaryBody = z
  .object({ percent: z.number().gt(0).max(100).default(10), reason: z.string().max(500).optional() })
  .strict();
const ReasonBody = z.object({ reason: z.string().max(500).optional() }).strict();

/**
 * The admin API (issue: registry and canary by hand), behind a bearer token compared in constant
 * time. Without PALATE_ADMIN_TOKEN the routes are not registered at all.
 */
export function adminRoutes(context: AppContext, deps: AdminDeps): FastifyPluginAsync {
  return async (app) => {
    app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
      if (!isAdmin(request.headers.authorization, deps.token)) {
        return sendProblem(reply, 401, "admin routes need 'Authorization: Bearer <PALATE_ADMIN_TOKEN>'", {
          "www-authenticate": "Bearer",
        });
      }
    });
    // Unknown version 404, invalid request 400, a stage or concurrency conflict 409.
    const failed = (reply: FastifyReply, error: unknown) => {
      const kind = error instanceof RegistryError ? error.kind : "conflict";
      return sendProblem(
        reply,
        kind === "not-found" ? 404 : kind === "invalid" ? 400 : 409,
        (error as Error).message,
      );
    };
    app.get(
      "/v1/admin/models",
      { schema: { summary: "Registry versions with stage and history" } },
      async () => deps.registry.status(),
    );
    app.get(
      "/v1/admin/experiment",
      { schema: { summary: "The live experiment: per-variant metrics and the decision so far" } },
      async () => {
        const { experiment, metrics, decision } = await readExperiment(deps, context.clock);
        return { experiment, metrics, decision };
      },
    );
    // Pausing keeps the canary's users on the champion without ending the experiment.
    for (const action of ["pause", "resume"] as const) {
      app.post<{ Body: z.infer<typeof ReasonBody> | null | undefined }>(
        `/v1/admin/experiment/${action}`,
        { schema: { summary: `${action} the running canary`, body: bodySchema(ReasonBody.nullish()) } },
        async (request, reply) => {
          try {
            await deps.registry[action]({
              actor: "admin",
              reason: request.body?.reason ?? `${action} through the admin API`,
            });
            return reply.code(202).send({ action });
          } catch (error) {
            return failed(reply, error);
          }
        },
      );
    }
    app.post<{ Params: { version: string }; Body: z.infer<typeof CanaryBody> }>(
      "/v1/admin/models/:version/canary",
      { schema: { params: VersionParams, body: bodySchema(CanaryBody) } },
      async (request, reply) => {
        try {
          await deps.registry.startCanary(request.params.version, request.body.percent, {
            actor: "admin",
            reason: request.body.reason ?? "started through the admin API",
          });
          return reply
            .code(202)
            .send({ version: request.params.version, stage: "canary", percent: request.body.percent });
        } catch (error) {
          return failed(reply, error);
        }
      },
    );
    for (const action of ["promote", "rollback"] as const) {
      app.post<{ Params: { version: string }; Body: z.infer<typeof ReasonBody> | null | undefined }>(
        `/v1/admin/models/:version/${action}`,
        { schema: { params: VersionParams, body: bodySchema(ReasonBody.nullish()) } },
        async (request, reply) => {
          try {
            await deps.registry[action](request.params.version, {
              actor: "admin",
              reason: request.body?.reason ?? `${action} through the admin API`,
            });
            return reply.code(202).send({ version: request.params.version, action });
          } catch (error) {
            return failed(reply, error);
          }
        },
      );
    }
  };
}
