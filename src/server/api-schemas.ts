import { z } from "zod";
import { ExternalIdSchema } from "../core/types.js";

/** Query of GET /v1/recommendations. */
export const RecommendationsQuery = z
  .object({
    user_id: ExternalIdSchema,
    k: z.number().int().min(1).max(100).default(10),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
    radius_km: z.number().positive().max(20_000).optional(),
    at: z.iso.datetime({ offset: true }).optional(),
    /** Comma-separated item ids to leave out. */
    exclude: z.string().max(20_000).optional(),
    diversity: z.number().min(0).max(1).default(0),
    /** The client's session, so session length can be measured per variant. */
    session_id: z.string().min(1).max(128).optional(),
  })
  .strict();
export type RecommendationsQuery = z.infer<typeof RecommendationsQuery>;

const Reason = z.enum(["cf", "graph", "content", "popularity"]);

/** Body of a recommendation list (GET /v1/recommendations). */
export const RecommendationsResponse = z.object({
  recommendation_id: z.string(),
  user_id: z.string(),
  model_version: z.string(),
  variant: z.string(),
  items: z.array(z.object({ item_id: z.string(), score: z.number(), reasons: z.array(Reason) })),
  fallback: z.enum(["cached-events", "context-popularity", "global-popularity"]).optional(),
});

/** Path of the item routes. */
export const ItemParams = z.object({ id: ExternalIdSchema }).strict();

/** Query of GET /v1/items/{id}/similar. */
export const SimilarQuery = z.object({ k: z.number().int().min(1).max(100).default(10) }).strict();

/** Body of GET /v1/items/{id}/similar. */
export const SimilarResponse = z.object({
  item_id: z.string(),
  model_version: z.string(),
  items: z.array(z.object({ item_id: z.string(), score: z.number(), reason: Reason })),
});

/** Body of PUT /v1/items/{id}: the item's metadata (the id is in the path). */
export const ItemBody = z
  .object({
    title: z.string().max(512).optional(),
    categories: z.array(z.string().min(1).max(128)).max(50).default([]),
    price: z.number().finite().min(0).optional(),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
    attributes: z.record(z.string().max(128), z.union([z.number(), z.string().max(1024)])).default({}),
  })
  .strict();
export type ItemBody = z.infer<typeof ItemBody>;

/** The answer to an item upsert. */
export const ItemUpsertResponse = z.object({ item_id: z.string(), created: z.boolean() });

/** Path of the user routes. */
export const UserParams = z.object({ id: ExternalIdSchema }).strict();

/** The answer to POST /v1/events. */
export const EventsAccepted = z.object({ accepted: z.number().int(), event_ids: z.array(z.string()) });

/** An RFC 9457 problem details body, for the OpenAPI document. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
});
