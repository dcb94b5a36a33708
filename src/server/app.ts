import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance } from "fastify";
import type { AppContext } from "./app-context.js";
import { type DashboardDeps, dashboardRoutes } from "./dashboard/dashboard-routes.js";
import { requestLoggerOptions } from "./log-redaction.js";
import { problemErrorHandler, sendProblem } from "./problem.js";
import type { EventRateLimiter } from "./rate-limit.js";
import { type AdminDeps, adminRoutes } from "./routes/admin.js";
import { driftRoutes } from "./routes/drift.js";
import { eventRoutes } from "./routes/events.js";
import { healthRoutes } from "./routes/health.js";
import { itemRoutes } from "./routes/items.js";
import { kserveRoutes } from "./routes/kserve.js";
import { recommendationRoutes } from "./routes/recommendations.js";
import { userRoutes } from "./routes/users.js";
import { urlEncodingProblem } from "./url-encoding.js";
import { validatorCompiler } from "./validator.js";

/** Options of the HTTP app. */
export interface AppOptions {
  /** Largest accepted request body in bytes (default 1 MiB: a full batch of 1,000 events fits). */
  bodyLimit?: number;
  logger?: boolean;
  /** Where request logs go instead of stdout (tests capture them). */
  logStream?: { write(line: string): void };
  /** Per-client token buckets on event ingestion; absent, ingestion is not rate limited. */
  eventRateLimit?: EventRateLimiter;
  /** Fastify's trustProxy: whose X-Forwarded-For names the client (per-IP limits behind a proxy). */
  trustProxy?: boolean | number | string;
  /** The admin API's token and registry; without them the admin routes are not registered. */
  admin?: AdminDeps;
  /** The web console at /dashboard and its data routes; absent, the app has no dashboard. */
  dashboard?: DashboardDeps;
}

/**
 * The Fastify app (fastify/demo's shape: `app.ts` builds, `server.ts` wires the process). Tests
 * drive it with `inject`; the server listens with it.
 */
export async function buildApp(context: AppContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // Request logs never carry the admin token (header, query string or anywhere in the URL).
    logger: options.logger
      ? requestLoggerOptions(
          [options.admin?.token, options.dashboard?.token].filter((t): t is string => Boolean(t)),
          options.logStream,
        )
      : false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // A union here defeats Fastify's constructor overloads; each member is a valid trustProxy.
    trustProxy: (options.trustProxy ?? false) as boolean,
    // Ids can be long; a pathological URL is refused rather than parsed.
    routerOptions: { maxParamLength: 512 },
    return503OnClosing: true,
    // Errors raised before routing (a malformed URL) get problem details like every other error.
    frameworkErrors: (error, _request, reply) => {
      const detail =
        error.code === "FST_ERR_BAD_URL" ? "path: not valid UTF-8 percent-encoding" : error.message;
      sendProblem(reply, 400, detail);
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  // Every body is JSON: text/plain would otherwise reach the validators as a string and get a
  // vague 400; without its parser it is a clear 415 "send the body as application/json".
  app.removeContentTypeParser("text/plain");
  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, 404, `no route for ${request.method} ${request.url.split("?")[0]}`),
  );
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Palate recommendation API", version: "1" },
    },
  });
  // Callback hooks, not async ones: they run on every request, and a promise each costs there.
  app.addHook("onRequest", (request, reply, done) => {
    const problem = urlEncodingProblem(request.url);
    // A hook that answers does not call done(): the request ends here.
    if (problem) sendProblem(reply, 400, problem);
    else done();
  });
  app.addHook("onResponse", (request, reply, done) => {
    const route = request.routeOptions.url ?? "unmatched";
    context.metrics.observeRequest({
      route,
      method: request.method,
      statusCode: reply.statusCode,
      variant: String(reply.getHeader("x-palate-variant") ?? "none"),
      seconds: reply.elapsedTime / 1000,
      request,
    });
    done();
  });
  await app.register(healthRoutes(context));
  await app.register(recommendationRoutes(context));
  await app.register(itemRoutes(context));
  await app.register(userRoutes(context));
  await app.register(eventRoutes(context, options.eventRateLimit));
  await app.register(kserveRoutes(context));
  if (options.admin) await app.register(adminRoutes(context, options.admin));
  if (context.drift) await app.register(driftRoutes(context, context.drift));
  if (options.dashboard) await app.register(dashboardRoutes(context, options.dashboard));
  app.get("/docs/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  return app;
}
