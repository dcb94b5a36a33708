import type { FastifyPluginAsync } from "fastify";
import type { Item } from "../../core/types.js";
import { ItemBody, ItemParams, ItemUpsertResponse, SimilarQuery, SimilarResponse } from "../api-schemas.js";
import type { AppContext } from "../app-context.js";
import { jsonSchema } from "../json-schema.js";
import { sendProblem } from "../problem.js";
import { bodySchema } from "../validator.js";

/** Similar items, and item metadata writes (a new item is recommendable at once). */
export function itemRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: ItemParamsT; Querystring: { k: number } }>(
      "/v1/items/:id/similar",
      {
        schema: {
          summary: "Items similar to an item, with the part each similarity came from",
          params: jsonSchema(ItemParams, "input"),
          querystring: jsonSchema(SimilarQuery, "input"),
          response: { 200: jsonSchema(SimilarResponse) },
        },
      },
      async (request, reply) => {
        const service = context.service;
        if (!service) return sendProblem(reply, 503, "no model loaded yet", { "retry-after": "5" });
        const found = service.similar(request.params.id, request.query.k);
        if (!found) return sendProblem(reply, 404, `item '${request.params.id}' is not in the catalogue`);
        const ids = service.model.catalog.ids;
        return {
          item_id: request.params.id,
          model_version: service.model.version,
          items: found.map((s) => ({ item_id: ids.idAt(s.item), score: s.score, reason: s.reason })),
        };
      },
    );

    app.put<{ Params: ItemParamsT; Body: ItemBody }>(
      "/v1/items/:id",
      {
        schema: {
          summary: "Add or update an item's metadata; a new item is recommendable at once",
          params: jsonSchema(ItemParams, "input"),
          body: bodySchema(ItemBody),
          response: { 200: jsonSchema(ItemUpsertResponse), 201: jsonSchema(ItemUpsertResponse) },
        },
      },
      async (request, reply) => {
        const service = context.service;
        if (!service) return sendProblem(reply, 503, "no model loaded yet", { "retry-after": "5" });
        const item: Item = { itemId: request.params.id, ...request.body };
        // The store first: other replicas learn of the item from it; if it is down, nothing changed.
        try {
          await context.featureStore.putItem(item);
        } catch {
          context.metrics.featureStoreErrors.labels("put_item", "error").inc();
          return sendProblem(reply, 503, "the feature store is unavailable; retry later", {
            "retry-after": "1",
          });
        }
        const { added } = service.upsertItem(item);
        return reply.code(added ? 201 : 200).send({ item_id: item.itemId, created: added });
      },
    );

    app.delete<{ Params: ItemParamsT }>(
      "/v1/items/:id",
      {
        schema: {
          summary: "Delete an item: it is never recommended again",
          params: jsonSchema(ItemParams, "input"),
        },
      },
      async (request, reply) => {
        const service = context.service;
        if (!service) return sendProblem(reply, 503, "no model loaded yet", { "retry-after": "5" });
        const id = request.params.id;
        if (service.model.catalog.ids.indexOf(id) < 0)
          return sendProblem(reply, 404, `item '${id}' is not in the catalogue`);
        try {
          await context.featureStore.deleteItem(id);
        } catch {
          context.metrics.featureStoreErrors.labels("delete_item", "error").inc();
          return sendProblem(reply, 503, "the feature store is unavailable; retry later", {
            "retry-after": "1",
          });
        }
        service.deleteItem(id);
        return reply.code(204).send();
      },
    );
  };
}

type ItemParamsT = { id: string };
