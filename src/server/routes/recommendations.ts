import type { FastifyPluginAsync } from "fastify";
import { InputError } from "../../core/errors.js";
import { ExternalIdSchema } from "../../core/types.js";
import type { RecommendRequest } from "../../recommend/recommend-types.js";
import { RecommendationsQuery, RecommendationsResponse } from "../api-schemas.js";
import type { AppContext } from "../app-context.js";
import { logImpression } from "../impressions.js";
import { jsonSchema } from "../json-schema.js";
import { sendProblem } from "../problem.js";

const QUERY = { source: "query" };

/** The validated query as a recommendation request (cross-field rules the schema cannot say). */
export function toRecommendRequest(query: RecommendationsQuery): RecommendRequest {
  const hasLat = query.lat !== undefined;
  if (hasLat !== (query.lon !== undefined)) {
    throw new InputError({ ...QUERY, field: hasLat ? "lon" : "lat" }, "lat and lon go together");
  }
  if (query.radius_km !== undefined && !hasLat) {
    throw new InputError({ ...QUERY, field: "radius_km" }, "needs lat and lon");
  }
  const exclude = query.exclude ? query.exclude.split(",").filter((id) => id !== "") : [];
  exclude.forEach((id, i) => {
    const parsed = ExternalIdSchema.safeParse(id);
    if (!parsed.success)
      throw new InputError({ ...QUERY, field: `exclude[${i}]` }, parsed.error.issues[0].message);
  });
  return {
    userId: query.user_id,
    k: query.k,
    near:
      query.lat !== undefined && query.lon !== undefined
        ? { lat: query.lat, lon: query.lon, radiusKm: query.radius_km ?? 5 }
        : undefined,
    at: query.at === undefined ? undefined : Date.parse(query.at) / 1000,
    exclude,
    diversity: query.diversity,
  };
}

/** GET /v1/recommendations: the recommendation path of the blueprint. */
export function recommendationRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: RecommendationsQuery }>(
      "/v1/recommendations",
      {
        schema: {
          summary: "Top-k recommendations for a user, with reasons",
          querystring: jsonSchema(RecommendationsQuery, "input"),
          response: { 200: jsonSchema(RecommendationsResponse) },
        },
      },
      async (request, reply) => {
        const service = context.service;
        if (!service) return sendProblem(reply, 503, "no model loaded yet", { "retry-after": "5" });
        const result = await service.recommend(toRecommendRequest(request.query));
        context.metrics.recommendations.labels(result.source, result.fallback ?? "none").inc();
        if (result.fallback) context.metrics.markFallback(request);
        logImpression(context, result, request.query.session_id);
        reply.header("x-palate-variant", result.variant);
        return {
          recommendation_id: result.recommendationId,
          user_id: result.userId,
          model_version: result.modelVersion,
          variant: result.variant,
          items: result.items.map((i) => ({ item_id: i.itemId, score: i.score, reasons: i.reasons })),
          ...(result.fallback ? { fallback: result.fallback } : {}),
        };
      },
    );
  };
}
