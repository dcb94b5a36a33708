import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { ExperimentSource } from "../../experiments/experiment-view.js";
import { readExperiment } from "../../experiments/experiment-view.js";
import { isAdmin } from "../admin-auth.js";
import type { AppContext } from "../app-context.js";
import { sendProblem } from "../problem.js";
import type { DashboardSamplers } from "./dashboard-samplers.js";
import { mapRoutes } from "./map-routes.js";
import { loadChartLibrary, loadPageAssets, type StaticAsset } from "./static-assets.js";

/** What the dashboard needs beyond the app context. */
export interface DashboardDeps {
  samplers: DashboardSamplers;
  /** The registry and rules when serving a registry; null when serving one model version. */
  experiment: ExperimentSource | null;
  /** PALATE_ADMIN_TOKEN, or null when none is configured. */
  token: string | null;
  /** Started by `palate demo`: the read-only dashboard data are open without a token. */
  demo: boolean;
}

/**
 * Who may read the registry and experiment views: the token's holder when a token is set, anyone
 * in demo mode (a laptop demo has no secrets and a newcomer has no token), nobody otherwise —
 * a production server without a token has its admin surface off, and so are these views.
 */
export type DashboardAccess = "token" | "open" | "off";

export function dashboardAccess(deps: Pick<DashboardDeps, "token" | "demo">): DashboardAccess {
  if (deps.token) return "token";
  return deps.demo ? "open" : "off";
}

// The page loads only its own files: no inline scripts, nothing fetched from elsewhere.
// uPlot sizes its elements with inline styles, hence 'unsafe-inline' for styles only.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const NameParams = {
  type: "object",
  properties: { name: { type: "string", minLength: 1, maxLength: 64 } },
  required: ["name"],
};

/**
 * The web console at `/dashboard` (issue 6): the page's static files and uPlot (public), and the
 * JSON it polls under `/v1/dashboard/` — registry and experiment behind the admin token (see
 * `dashboardAccess`), serving charts and the "try it" map data public like `/metrics` and
 * `/v1/recommendations`. Writes (pause, resume, promote, roll back) go to the admin API.
 */
export function dashboardRoutes(context: AppContext, deps: DashboardDeps): FastifyPluginAsync {
  const page = loadPageAssets();
  const vendor = loadChartLibrary();
  const access = dashboardAccess(deps);
  const send = (reply: FastifyReply, asset: StaticAsset | undefined, what: string) => {
    if (!asset) return sendProblem(reply, 404, `no dashboard file '${what}'`);
    return reply
      .type(asset.type)
      .headers({
        "cache-control": "no-cache",
        "content-security-policy": CSP,
        "x-content-type-options": "nosniff",
      })
      .send(asset.body);
  };
  const guard = async (request: FastifyRequest, reply: FastifyReply) => {
    if (access === "off") {
      return sendProblem(
        reply,
        404,
        "the dashboard's registry and experiment views are off: set PALATE_ADMIN_TOKEN (or run `palate demo`)",
      );
    }
    if (access === "token" && !isAdmin(request.headers.authorization, deps.token as string)) {
      return sendProblem(reply, 401, "dashboard data need 'Authorization: Bearer <PALATE_ADMIN_TOKEN>'", {
        "www-authenticate": "Bearer",
      });
    }
  };

  return async (app) => {
    const index = (_: FastifyRequest, reply: FastifyReply) =>
      send(reply, page.get("index.html"), "index.html");
    app.get("/dashboard", { schema: { hide: true } }, index);
    app.get("/dashboard/", { schema: { hide: true } }, index);
    app.get<{ Params: { name: string } }>(
      "/dashboard/assets/:name",
      { schema: { hide: true, params: NameParams } },
      async (request, reply) => send(reply, page.get(request.params.name), request.params.name),
    );
    app.get<{ Params: { name: string } }>(
      "/dashboard/vendor/:name",
      { schema: { hide: true, params: NameParams } },
      async (request, reply) => send(reply, vendor.get(request.params.name), request.params.name),
    );

    app.get("/v1/dashboard/config", { schema: { hide: true } }, async () => ({
      access,
      registry: deps.experiment !== null,
      writes: deps.token !== null && deps.experiment !== null,
      sample_ms: deps.samplers.sampleMs,
      model_version: context.service?.model.version ?? null,
      // Another plugin owns drift; the page asks for it only when it is there.
      drift: app.hasRoute({ method: "GET", url: "/v1/admin/drift" }),
    }));

    app.get("/v1/dashboard/serving", { schema: { hide: true } }, async () => ({
      sample_ms: deps.samplers.sampleMs,
      points: deps.samplers.serving.series.toArray(),
    }));

    await app.register(mapRoutes(context));

    await app.register(async (guarded) => {
      guarded.addHook("onRequest", guard);
      guarded.get("/v1/dashboard/status", { schema: { hide: true } }, async () => {
        const source = deps.experiment;
        const serving = context.service?.modelSet;
        const base = {
          serving: serving
            ? { champion: serving.champion.version, canary: serving.canary?.version ?? null }
            : null,
          sampling_error: deps.samplers.lastError,
        };
        if (!source) return { ...base, models: null, experiment: null, experiment_series: [] };
        const [models, view] = await Promise.all([
          source.registry.status(),
          // The sampler's last view spares a rebuild of the aggregates while the checkpoint is unchanged.
          readExperiment(source, context.clock, deps.samplers.experiment?.lastView ?? null),
        ]);
        const series = deps.samplers.experiment?.series.toArray() ?? [];
        // The running experiment's points; with no canary, the last experiment's, so its
        // history stays on screen after a promotion or rollback until the next canary starts.
        const e = view.experiment;
        const id = e?.canary ? e.id : (series.at(-1)?.experimentId ?? null);
        return {
          ...base,
          models,
          experiment: { experiment: e, metrics: view.metrics, decision: view.decision },
          experiment_series: series.filter((p) => p.experimentId === id),
        };
      });
    });
  };
}
