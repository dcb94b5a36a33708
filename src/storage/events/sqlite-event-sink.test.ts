import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { PalateError } from "../../core/errors.js";
import type { EventSink } from "./event-log.js";
import { runEventSinkContract } from "./event-sink.contract.js";
import { openEventSink } from "./open-event-sink.js";
import { SqliteEventSink } from "./sqlite-event-sink.js";
import { makeEvents } from "./testing/make-events.js";

let dir = "";
let files = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-event-sink-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function reopenSameFile(sink: EventSink): Promise<EventSink> {
  assert.ok(sink instanceof SqliteEventSink);
  return openEventSink(`sqlite:${sink.filename}`);
}

runEventSinkContract("sqlite file", () => openEventSink(`sqlite:${join(dir, `log-${files++}.db`)}`), {
  reopen: reopenSameFile,
});
runEventSinkContract("sqlite in memory", () => openEventSink("sqlite::memory:"));

describe("SqliteEventSink", () => {
  it("uses WAL mode, creates parent directories, and two handles share one log", async () => {
    const path = join(dir, "nested", "deeper", "events.db");
    const first = new SqliteEventSink(path);
    const second = new SqliteEventSink(path);
    try {
      await Promise.all([first.append(makeEvents(3)), second.append(makeEvents(5))]);
      assert.equal(await first.count(), 5);
      assert.equal(await second.count(), 5);
      const raw = new Database(path, { readonly: true });
      try {
        assert.equal(raw.pragma("journal_mode", { simple: true }), "wal");
      } finally {
        raw.close();
      }
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("refuses a file whose events table has other columns", () => {
    const path = join(dir, "foreign.db");
    const raw = new Database(path);
    raw.exec("CREATE TABLE events (id INTEGER PRIMARY KEY, payload TEXT)");
    raw.close();
    assert.throws(
      () => new SqliteEventSink(path),
      (error: unknown) => {
        assert.ok(error instanceof PalateError);
        assert.match(error.message, /expected \(seq, event_id, /);
        return true;
      },
    );
  });
});

it("an event log written before impressions existed gains their columns on open", async () => {
  const file = join(await mkdtemp(join(tmpdir(), "palate-old-log-")), "events.db");
  const old = new Database(file);
  old.exec(`CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL, user_id TEXT NOT NULL, item_id TEXT NOT NULL, timestamp REAL NOT NULL, value REAL,
    recommendation_id TEXT, session_id TEXT, received_at REAL NOT NULL) STRICT`);
  old.exec(
    `INSERT INTO events (event_id, type, user_id, item_id, timestamp, received_at) VALUES ('e1', 'click', 'u', 'i', 1, 2)`,
  );
  old.close();
  const sink = new SqliteEventSink(file);
  await sink.append([
    {
      eventId: "e2",
      type: "impression",
      userId: "u",
      itemId: "-",
      timestamp: 3,
      receivedAt: 4,
      items: ["i"],
    },
  ]);
  const page = await sink.read("", 10);
  assert.deepEqual(
    page.events.map((e) => [e.eventId, e.items]),
    [
      ["e1", undefined],
      ["e2", ["i"]],
    ],
  );
  await sink.close();
});
