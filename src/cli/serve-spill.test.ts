import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { trainedCityModel } from "../server/testing/serving-fixture.js";
import { openEventSink } from "../storage/events/open-event-sink.js";
import { SpillFile } from "../storage/events/spill-file.js";
import { makeEvents } from "../storage/events/testing/make-events.js";
import { startPalate } from "./testing/run-palate.js";

// Two `palate serve` processes on one host must not share a spill file: `--spill` gives each its
// own. Proof that the flag reaches the queue: events left in that file by an earlier run are
// replayed into the event log when the server starts.

test("palate serve --spill PATH replays the events left in that file into the event log", async () => {
  const { modelDir } = await trainedCityModel();
  const dir = await mkdtemp(join(tmpdir(), "palate-serve-spill-"));
  const spillPath = join(dir, "replica-2.spill.ndjson");
  const leftOver = makeEvents(3, "left-over");
  const spill = new SpillFile(spillPath);
  spill.recover();
  spill.append(leftOver);
  spill.close();
  const eventLog = `sqlite:${join(dir, "events.db")}`;
  const server = startPalate(
    "serve",
    ...["--model", modelDir, "--port", "0", "--host", "127.0.0.1"],
    ...["--event-log", eventLog, "--feature-store", "memory:", "--spill", spillPath],
  );
  try {
    await server.waitFor(/Serving \S+ at/);
    const sink = await openEventSink(eventLog);
    try {
      const deadline = Date.now() + 10_000;
      while ((await sink.count()) < leftOver.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const page = await sink.read("", 10);
      assert.deepEqual(
        page.events.map((e) => e.eventId),
        leftOver.map((e) => e.eventId),
      );
    } finally {
      await sink.close();
    }
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
    await rm(dir, { recursive: true, force: true });
  }
});
