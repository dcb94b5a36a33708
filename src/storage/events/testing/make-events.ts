import type { LoggedEvent } from "../event-log.js";

/**
 * `n` distinct events of one producer: event `i` has id `{producer}-{start+i}` and `value` equal
 * to its position, so a reader can check identity and per-producer order from the event alone.
 */
export function makeEvents(n: number, producer = "p", start = 0): LoggedEvent[] {
  return Array.from({ length: n }, (_, k) => {
    const i = start + k;
    return {
      eventId: `${producer}-${i}`,
      type: i % 3 === 0 ? "view" : "click",
      userId: `user-${i % 7}`,
      itemId: `item-${i % 101}`,
      timestamp: 1_700_000_000 + i / 8,
      value: i,
      receivedAt: 1_700_000_000_000 + i,
    };
  });
}

/** Reads a sink from the start to the end in pages of `pageSize`. */
export async function readAllEvents(
  sink: { read(cursor: string, limit: number): Promise<{ events: LoggedEvent[]; cursor: string }> },
  pageSize = 1000,
): Promise<LoggedEvent[]> {
  const out: LoggedEvent[] = [];
  let cursor = "";
  for (;;) {
    const page = await sink.read(cursor, pageSize);
    if (page.events.length === 0) return out;
    out.push(...page.events);
    cursor = page.cursor;
  }
}
