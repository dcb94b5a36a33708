import { PalateError } from "../../core/errors.js";
import type { LoggedEvent } from "./event-log.js";

/*
 * The layout of an event in the Redis Stream: one field per event field, named in the wire's
 * snake_case so `redis-cli XRANGE` output reads like the API; numbers as text, an impression's
 * items as a JSON array.
 */

/** An event as a stream entry's field/value pairs; see `fromStreamFields` for the way back. */
export function toStreamFields(e: LoggedEvent): string[] {
  const fields = [
    "event_id",
    e.eventId,
    "type",
    e.type,
    "user_id",
    e.userId,
    "item_id",
    e.itemId,
    "timestamp",
    // String(number) is the shortest text that parses back to the same double.
    String(e.timestamp),
    "received_at",
    String(e.receivedAt),
  ];
  if (e.value !== undefined) fields.push("value", String(e.value));
  if (e.recommendationId !== undefined) fields.push("recommendation_id", e.recommendationId);
  if (e.sessionId !== undefined) fields.push("session_id", e.sessionId);
  if (e.variant !== undefined) fields.push("variant", e.variant);
  if (e.modelVersion !== undefined) fields.push("model_version", e.modelVersion);
  if (e.items !== undefined) fields.push("items", JSON.stringify(e.items));
  return fields;
}

/** The event a stream entry holds (`id` names the entry in errors). */
export function fromStreamFields(id: string, fields: string[]): LoggedEvent {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i], fields[i + 1]);
  const event: LoggedEvent = {
    eventId: f.get("event_id") ?? "",
    type: f.get("type") ?? "",
    userId: f.get("user_id") ?? "",
    itemId: f.get("item_id") ?? "",
    timestamp: Number(f.get("timestamp")),
    receivedAt: Number(f.get("received_at")),
  };
  const value = f.get("value");
  if (value !== undefined) event.value = Number(value);
  const recommendationId = f.get("recommendation_id");
  if (recommendationId !== undefined) event.recommendationId = recommendationId;
  const sessionId = f.get("session_id");
  if (sessionId !== undefined) event.sessionId = sessionId;
  const variant = f.get("variant");
  if (variant !== undefined) event.variant = variant;
  const modelVersion = f.get("model_version");
  if (modelVersion !== undefined) event.modelVersion = modelVersion;
  const items = f.get("items");
  if (items !== undefined) event.items = itemsOf(id, items);
  return event;
}

function itemsOf(id: string, text: string): string[] {
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch {
    items = null;
  }
  if (!Array.isArray(items) || !items.every((item) => typeof item === "string")) {
    throw new PalateError(
      `stream entry ${id}: field 'items' is not a JSON array of strings: '${text.slice(0, 40)}'`,
    );
  }
  return items;
}
