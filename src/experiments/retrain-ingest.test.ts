import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { LoggedEvent } from "../storage/events/event-log.js";
import { openEventSink } from "../storage/events/open-event-sink.js";
import { SqliteInteractionStore } from "../storage/interactions/sqlite-interaction-store.js";
import { ingestEventLog } from "./retrain-ingest.js";

function events(from: number, n: number): LoggedEvent[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      eventId: `e${i}`,
      type: i % 4 === 0 ? "impression" : "click",
      userId: `u${i % 5}`,
      itemId: `i${i}`,
      timestamp: 1_700_000_000 + i,
      receivedAt: 1_700_000_000_000 + i,
    };
  });
}

test("the ingest copies every non-impression event once, across pages, restarts and a failed page", async () => {
  const dir = await mkdtemp(join(tmpdir(), "palate-ingest-"));
  try {
    const sink = await openEventSink(`sqlite:${join(dir, "events.db")}`);
    await sink.append(events(0, 10));
    const path = join(dir, "interactions.db");
    let store = new SqliteInteractionStore(path);
    assert.equal(await ingestEventLog(sink, store, 3), 7);

    // A restart (a new handle on the same file) resumes where the last page committed.
    await store.close();
    store = new SqliteInteractionStore(path);
    await sink.append(events(10, 6));
    assert.equal(await ingestEventLog(sink, store, 4), 5);
    assert.equal(await ingestEventLog(sink, store, 4), 0);

    // A crash between reading a page and committing it: the page and its position are both absent.
    await sink.append(events(16, 4));
    const original = store.appendFrom.bind(store);
    store.appendFrom = async () => {
      throw new Error("crash");
    };
    await assert.rejects(ingestEventLog(sink, store, 100), /crash/);
    store.appendFrom = original;
    assert.equal(await ingestEventLog(sink, store, 100), 3);

    const ids: string[] = [];
    for await (const batch of store.readAll()) for (const x of batch) ids.push(x.itemId);
    const expected = events(0, 20)
      .filter((e) => e.type !== "impression")
      .map((e) => e.itemId);
    assert.deepEqual(ids, expected);
    await store.close();
    await sink.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
