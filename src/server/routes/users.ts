import type { FastifyPluginAsync } from "fastify";
import { type Preferences, PreferencesSchema } from "../../storage/features/feature-store.js";
import { UserParams } from "../api-schemas.js";
import type { AppContext } from "../app-context.js";
import { jsonSchema } from "../json-schema.js";
import { sendProblem } from "../problem.js";
import { bodySchema } from "../validator.js";

/** Declared preferences, used to recommend to users without history. */
export function userRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.put<{ Params: { id: string }; Body: Preferences }>(
      "/v1/users/:id/preferences",
      {
        schema: {
          summary: "Set a user's declared preferences (cuisines, price range, home location)",
          params: jsonSchema(UserParams, "input"),
          body: bodySchema(PreferencesSchema),
        },
      },
      async (request, reply) => {
        const { price_min, price_max } = request.body;
        if (price_min !== undefined && price_max !== undefined && price_min > price_max) {
          return sendProblem(reply, 400, "body field 'price_min': must not exceed price_max");
        }
        if ((request.body.home_lat === undefined) !== (request.body.home_lon === undefined)) {
          return sendProblem(reply, 400, "body field 'home_lat': home_lat and home_lon go together");
        }
        try {
          await context.featureStore.putPreferences(request.params.id, request.body);
        } catch {
          context.metrics.featureStoreErrors.labels("put_preferences", "error").inc();
          return sendProblem(reply, 503, "the feature store is unavailable; retry later", {
            "retry-after": "1",
          });
        }
        return reply.code(204).send();
      },
    );
  };
}
