import { randomUUID } from "node:crypto";
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { type EventInput, EventInputSchema, type LoggedEvent } from "../../storage/events/event-log.js";
import { EventsAccepted } from "../api-schemas.js";
import type { AppContext } from "../app-context.js";
import { jsonSchema } from "../json-schema.js";
import { sendProblem } from "../problem.js";
import type { EventRateLimiter } from "../rate-limit.js";
import { bodySchema } from "../validator.js";

/** Largest batch one request may post. */
export const MAX_EVENT_BATCH = 1000;

/** One event or a batch of up to 1,000. */
const EventsBody = z.union([EventInputSchema, z.array(EventInputSchema).min(1).max(MAX_EVENT_BATCH)]);

/** Unix seconds of an event's timestamp (ISO 8601 text or unix seconds), or an error message. */
function timestampOf(input: EventInput, now: number): number | string {
  const t = input.timestamp;
  if (t === undefined) return now;
  if (typeof t === "number") return t >= 0 ? t : "must be unix seconds ≥ 0";
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? "must be an ISO 8601 time or unix seconds" : ms / 1000;
}

/**
 * POST /v1/events: validated, stamped with an event id and queued; 202 before anything is
 * written. The queue logs asynchronously; the user's recent list is updated here (for the very
 * next recommendation) and in the feature store without waiting for it.
 */
export function eventRoutes(context: AppContext, limiter?: EventRateLimiter): FastifyPluginAsync {
  return async (app) => {
    // After parsing (a batch costs one token per event) and before validation, so a flood of
    // invalid requests is limited too. The hook is scoped to this plugin: only /v1/events.
    if (limiter)
      app.addHook("preValidation", async (request, reply) => {
        const events = Array.isArray(request.body) ? request.body.length : 1;
        const verdict = limiter.take(limiter.clientOf(request), events);
        if (verdict.allowed) return;
        context.metrics.eventsRateLimited.inc(events);
        return sendProblem(reply, 429, "this client is sending events faster than its rate limit allows", {
          "retry-after": String(verdict.retryAfterSeconds),
        });
      });
    app.post<{ Body: EventInput | EventInput[] }>(
      "/v1/events",
      {
        schema: {
          summary: "Log one event or a batch of up to 1,000 (202 once validated and queued)",
          body: bodySchema(EventsBody),
          response: { 202: jsonSchema(EventsAccepted) },
        },
      },
      async (request, reply) => {
        const inputs = Array.isArray(request.body) ? request.body : [request.body];
        const receivedAt = Date.now();
        const now = context.clock() / 1000;
        const events: LoggedEvent[] = [];
        for (const [i, input] of inputs.entries()) {
          const timestamp = timestampOf(input, now);
          if (typeof timestamp === "string") {
            const where = Array.isArray(request.body) ? `[${i}].timestamp` : "timestamp";
            return sendProblem(reply, 400, `body field '${where}': ${timestamp}`);
          }
          events.push({
            eventId: randomUUID(),
            type: input.type,
            userId: input.user_id,
            itemId: input.item_id,
            timestamp,
            value: input.value,
            recommendationId: input.recommendation_id,
            sessionId: input.session_id,
            receivedAt,
          });
        }
        if (context.events.offer(events) === "refused") {
          context.metrics.eventsRefused.inc(events.length);
          return sendProblem(reply, 503, "the event log is not accepting events right now; retry later", {
            "retry-after": String(context.events.retryAfterSeconds()),
          });
        }
        context.metrics.eventsAccepted.inc(events.length);
        const recent = events.map((e) => ({
          userId: e.userId,
          event: { itemId: e.itemId, type: e.type, timestamp: e.timestamp, value: e.value },
        }));
        for (const { userId, event } of recent) context.service?.recent.record(userId, event);
        context.featureStore.appendRecent(recent).catch(() => {
          context.metrics.featureStoreErrors.labels("append_recent", "error").inc();
        });
        return reply.code(202).send({ accepted: events.length, event_ids: events.map((e) => e.eventId) });
      },
    );
  };
}
