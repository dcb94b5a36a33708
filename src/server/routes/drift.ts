import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { DriftMonitor } from "../../drift/drift-monitor.js";
import { isAdmin } from "../admin-auth.js";
import type { AppContext } from "../app-context.js";
import { sendProblem } from "../problem.js";

/** What the drift route needs: the monitor and who may read it. */
export interface DriftAccess {
  monitor: DriftMonitor;
  /** The admin token; when set, requests need `Authorization: Bearer <token>`. */
  token: string | null;
  /** Without a token, serve the report anyway (`palate demo`, a local laptop). */
  open: boolean;
}

/**
 * GET /v1/admin/drift: the live windows of the champion compared with its training baselines
 * (docs/drift.md). Behind the admin token like the rest of /v1/admin; without a token it is
 * registered only in the demo's open mode.
 */
export function driftRoutes(context: AppContext, access: DriftAccess): FastifyPluginAsync {
  return async (app) => {
    if (!access.token && !access.open) return;
    app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
      if (access.token && !isAdmin(request.headers.authorization, access.token)) {
        return sendProblem(reply, 401, "admin routes need 'Authorization: Bearer <PALATE_ADMIN_TOKEN>'", {
          "www-authenticate": "Bearer",
        });
      }
    });
    app.get(
      "/v1/admin/drift",
      {
        schema: {
          summary: "Drift per feature: live sliding windows against the champion's training baselines",
        },
      },
      async () => access.monitor.report(context.service?.model ?? null),
    );
  };
}
