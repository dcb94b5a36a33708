import { randomUUID } from "node:crypto";
import type { RecommendResult } from "../recommend/recommend-types.js";
import type { AppContext } from "./app-context.js";

/**
 * Logs one "impression" event per list served, carrying its variant, model version and items,
 * so the controller can attribute clicks and bookings (by recommendation id) and compute the
 * experiment's online metrics and guardrails. An impression the queue refuses under overload is
 * counted, never allowed to fail the request it describes.
 */
export function logImpression(context: AppContext, result: RecommendResult, sessionId?: string): void {
  const items = result.items.map((i) => i.itemId);
  const outcome = context.events.offer([
    {
      eventId: randomUUID(),
      type: "impression",
      userId: result.userId,
      // Impressions are about a list, not one item; "-" keeps the event shape uniform.
      itemId: items[0] ?? "-",
      timestamp: context.clock() / 1000,
      receivedAt: Date.now(),
      recommendationId: result.recommendationId,
      variant: result.variant,
      modelVersion: result.modelVersion,
      items,
      ...(sessionId ? { sessionId } : {}),
    },
  ]);
  context.metrics.impressions.labels(result.variant, outcome).inc();
}
