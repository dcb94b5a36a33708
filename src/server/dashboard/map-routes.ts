import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { InputError } from "../../core/errors.js";
import { ExternalIdSchema } from "../../core/types.js";
import type { ServingModel } from "../../recommend/serving-model.js";
import type { AppContext } from "../app-context.js";
import { jsonSchema } from "../json-schema.js";
import { sendProblem } from "../problem.js";

/** Most items drawn as the map's background, and most users offered in the picker. */
const MAX_BACKGROUND_ITEMS = 5_000;
const PICKER_USERS = 40;
const MAX_PLACES = 100;

const PlacesQuery = z
  .object({
    user_id: ExternalIdSchema.optional(),
    /** Comma-separated item ids, e.g. the items of a recommendation list. */
    items: z.string().max(30_000).default(""),
  })
  .strict();
type PlacesQuery = z.infer<typeof PlacesQuery>;

/** Where a user lives, when known: declared through the API, or from the training profile. */
interface Home {
  lat: number;
  lon: number;
  source: "preferences" | "profile";
}

const finite = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

/**
 * The "try it" panel's read routes: a background of the catalogue's locations and a user picker
 * (`/v1/dashboard/catalog`), and the home and item metadata behind one recommendation list
 * (`/v1/dashboard/places`). Public like `GET /v1/recommendations`: item metadata and ids are what
 * a client of that route already sees.
 */
export function mapRoutes(context: AppContext): FastifyPluginAsync {
  let cached: { key: string; body: unknown } | null = null;
  return async (app) => {
    app.get("/v1/dashboard/catalog", { schema: { hide: true } }, async (_request, reply) => {
      const model = context.service?.model;
      if (!model) return sendProblem(reply, 503, "no model loaded yet", { "retry-after": "5" });
      const key = `${model.version}/${model.catalog.size}/${model.catalog.deletedItems}`;
      if (cached?.key !== key) cached = { key, body: catalogBody(model) };
      return cached.body;
    });

    app.get<{ Querystring: PlacesQuery }>(
      "/v1/dashboard/places",
      { schema: { hide: true, querystring: jsonSchema(PlacesQuery, "input") } },
      async (request, reply) => {
        const model = context.service?.model;
        if (!model) return sendProblem(reply, 503, "no model loaded yet", { "retry-after": "5" });
        const ids = request.query.items.split(",").filter((id) => id !== "");
        if (ids.length > MAX_PLACES) {
          throw new InputError(
            { source: "query", field: "items" },
            `at most ${MAX_PLACES} ids, got ${ids.length}`,
          );
        }
        ids.forEach((id, i) => {
          const parsed = ExternalIdSchema.safeParse(id);
          if (!parsed.success)
            throw new InputError({ source: "query", field: `items[${i}]` }, parsed.error.issues[0].message);
        });
        const userId = request.query.user_id;
        return {
          model_version: model.version,
          user: userId ? { user_id: userId, home: await homeOf(context, model, userId) } : null,
          items: ids.map((id) => {
            const index = model.catalog.ids.indexOf(id);
            const item = index >= 0 ? model.catalog.metadata(index) : undefined;
            if (!item) return { item_id: id, known: index >= 0 };
            return {
              item_id: id,
              known: true,
              title: item.title,
              categories: item.categories,
              price: item.price,
              lat: item.lat,
              lon: item.lon,
            };
          }),
        };
      },
    );
  };
}

function catalogBody(model: ServingModel) {
  const { catalog, users } = model;
  const located: number[] = [];
  for (let i = 0; i < catalog.size; i++) {
    const item = catalog.metadata(i);
    if (!catalog.isDeleted(i) && finite(item?.lat) && finite(item?.lon)) located.push(i);
  }
  // An even stride keeps the whole city's shape when the catalogue is larger than the cap.
  const stride = Math.max(1, Math.ceil(located.length / MAX_BACKGROUND_ITEMS));
  const points = located
    .filter((_, n) => n % stride === 0)
    .map((i) => {
      const item = catalog.metadata(i);
      return [catalog.ids.idAt(i), item?.lat, item?.lon];
    });
  const userStride = Math.max(1, Math.floor(users.size / PICKER_USERS));
  const pickerUsers: string[] = [];
  for (let u = 0; u < users.size && pickerUsers.length < PICKER_USERS; u += userStride)
    pickerUsers.push(users.idAt(u));
  return {
    model_version: model.version,
    items: catalog.size - catalog.deletedItems,
    located_items: located.length,
    points,
    users: pickerUsers,
  };
}

async function homeOf(context: AppContext, model: ServingModel, userId: string): Promise<Home | null> {
  try {
    const prefs = (await context.featureStore.getUser(userId, model.version)).preferences;
    if (finite(prefs?.home_lat) && finite(prefs?.home_lon))
      return { lat: prefs.home_lat, lon: prefs.home_lon, source: "preferences" };
  } catch {
    // The feature store being down only hides a declared home; the profile may still have one.
  }
  const u = model.users.indexOf(userId);
  const attributes = u >= 0 ? model.hybrid.learned.userMeta[u]?.attributes : undefined;
  if (finite(attributes?.home_lat) && finite(attributes?.home_lon))
    return { lat: attributes.home_lat, lon: attributes.home_lon, source: "profile" };
  return null;
}
