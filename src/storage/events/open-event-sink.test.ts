import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InputError } from "../../core/errors.js";
import { openEventSink } from "./open-event-sink.js";

describe("openEventSink", () => {
  it("opens SQLite by URL", async () => {
    const sink = await openEventSink("sqlite::memory:");
    assert.equal(sink.backend, "sqlite");
    await sink.close();
  });

  it("rejects an unknown scheme, listing the supported forms and hiding credentials", async () => {
    await assert.rejects(openEventSink("kafka://user:s3cret@broker:9092/events"), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /unsupported scheme 'kafka:'/);
      assert.match(error.message, /sqlite:PATH, sqlite::memory:, redis:\/\/HOST:PORT\[\/DB\], rediss:/);
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    });
  });

  it("rejects a URL without a scheme or a path", async () => {
    for (const url of ["events.db", "C:\\events.db", "", "sqlite:", "sqlite:  "]) {
      await assert.rejects(openEventSink(url), InputError, url);
    }
  });
});
