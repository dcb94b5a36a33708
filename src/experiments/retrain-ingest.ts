import type { Interaction } from "../core/types.js";
import type { EventSink, LoggedEvent } from "../storage/events/event-log.js";
import type { InteractionStore } from "../storage/interactions/interaction-store.js";

/** The name under which the event log's position is kept in the interaction store. */
export const EVENT_LOG_SOURCE = "event-log";

/** The interaction an event stands for; impressions are what was shown, not what users did, and have none. */
export function interactionOf(event: LoggedEvent): Interaction | null {
  if (event.type === "impression") return null;
  const x: Interaction = {
    userId: event.userId,
    itemId: event.itemId,
    type: event.type,
    timestamp: event.timestamp,
  };
  if (event.value !== undefined) x.value = event.value;
  return x;
}

/**
 * Copies the event log into the interaction store from where the last ingest stopped. Each page
 * and the log position after it are written in one transaction of the interaction store
 * (`appendFrom`), so a crash at any point neither loses nor duplicates a row: the next ingest
 * resumes at the stored position. This is why the ingest keeps its own cursor instead of sharing
 * the controller's checkpoint, which lives in another store and could not commit with the rows.
 */
export async function ingestEventLog(
  sink: EventSink,
  interactions: InteractionStore,
  pageSize = 5_000,
  source = EVENT_LOG_SOURCE,
): Promise<number> {
  let cursor = (await interactions.positionOf(source)) ?? "";
  let ingested = 0;
  for (;;) {
    const page = await sink.read(cursor, pageSize);
    if (page.events.length === 0) break;
    const rows = page.events.map(interactionOf).filter((x): x is Interaction => x !== null);
    await interactions.appendFrom(source, page.cursor, rows);
    cursor = page.cursor;
    ingested += rows.length;
    if (page.events.length < pageSize) break;
  }
  return ingested;
}
