import type { FastifyPluginAsync } from "fastify";
import type { AppContext } from "../app-context.js";
import { sendProblem } from "../problem.js";

/** Liveness, readiness (a model is loaded) and the Prometheus scrape endpoint. */
export function healthRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
    app.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
      if (!context.service) return sendProblem(reply, 503, "no model loaded yet");
      return { status: "ready", model_version: context.service.model.version };
    });
    app.get("/metrics", { schema: { hide: true } }, async (_request, reply) => {
      const catalog = context.service?.model.catalog;
      if (catalog) {
        context.metrics.catalogItems.labels("live").set(catalog.size - catalog.deletedItems);
        context.metrics.catalogItems.labels("deleted").set(catalog.deletedItems);
      }
      reply.type(context.metrics.registry.contentType);
      return context.metrics.registry.metrics();
    });
  };
}
