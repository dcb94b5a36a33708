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
