import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { InputError } from "../../core/errors.js";
import type { LoggedEvent } from "./event-log.js";
import { EventQueue } from "./event-queue.js";
import type { EventQueueOptions } from "./event-queue-options.js";
import { SqliteEventSink } from "./sqlite-event-sink.js";
import { FlakySink } from "./testing/flaky-sink.js";
import { makeEvents, readAllEvents } from "./testing/make-events.js";

let dir = "";
let files = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-event-queue-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});
const freshSpill = () => join(dir, `q-${files++}`, "spill.ndjson");

interface Fixture {
  sink: FlakySink;
  queue: EventQueue;
}

async function fixture(options: Partial<EventQueueOptions> = {}): Promise<Fixture> {
  const sink = new FlakySink(new SqliteEventSink(":memory:"));
  const queue = new EventQueue(sink, {
    spillPath: freshSpill(),
    retryInitialMs: 5,
    retryMaxMs: 20,
    ...options,
  });
  await queue.start();
  return { sink, queue };
}

async function eventually(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Offers `events` in batches of `size`, asserting each is queued. */
function offerAll(queue: EventQueue, events: LoggedEvent[], size: number): void {
  for (let i = 0; i < events.length; i += size)
    assert.equal(queue.offer(events.slice(i, i + size)), "queued");
}

describe("EventQueue", () => {
  it("delivers every event once, in order, by batch size and by timer", async () => {
    const { sink, queue } = await fixture({ batchSize: 100, flushIntervalMs: 20 });
    offerAll(queue, makeEvents(1050), 25);
    // 50 left after full batches: the timer flushes them without a drain.
    await eventually(async () => (await sink.count()) === 1050, "the timer flush");
    assert.deepEqual(await readAllEvents(sink), makeEvents(1050));
    const stats = queue.stats();
    assert.equal(stats.accepted, 1050);
    assert.equal(stats.flushed, 1050);
    assert.equal(stats.depth, 0);
    assert.equal(stats.spilled, 0);
    assert.equal(stats.lagSeconds, 0);
    await queue.close();
  });

  it("spills while the sink is down and replays in order, before newer events", async () => {
    const { sink, queue } = await fixture({ batchSize: 50 });
    sink.down = true;
    offerAll(queue, makeEvents(300), 10);
    await eventually(() => queue.stats().spilled === 300, "the spill");
    assert.equal(readFileSync(join(dir, `q-${files - 1}`, "spill.ndjson"), "utf8").split("\n").length, 301);
    const down = queue.stats();
    assert.equal(down.sinkAvailable, false);
    assert.equal(down.depth, 300);
    assert.match(down.lastError ?? "", /test switch/);
    assert.ok(queue.retryAfterSeconds() >= 1);
    sink.down = false;
    offerAll(queue, makeEvents(100, "p", 300), 10);
    assert.equal(await queue.drain(10_000), true);
    assert.deepEqual(await readAllEvents(sink), makeEvents(400));
    const stats = queue.stats();
    assert.deepEqual([stats.accepted, stats.flushed, stats.dropped], [400, 400, 0]);
    // The newer 100 may have been spilled too if they came while the queue still waited to retry.
    assert.ok(stats.replayed >= 300 && stats.replayed === stats.spilled, JSON.stringify(stats));
    assert.equal(stats.sinkAvailable, true);
    await queue.close();
  });

  it("replays a batch that failed half-way without duplicates", async () => {
    const { sink, queue } = await fixture({ batchSize: 100 });
    sink.failAfter = 40;
    offerAll(queue, makeEvents(250), 50);
    assert.equal(await queue.drain(10_000), true);
    assert.equal(await sink.count(), 250);
    assert.deepEqual(await readAllEvents(sink), makeEvents(250));
    assert.equal(queue.stats().flushed, 250);
    await queue.close();
  });

  it("overflowing memory while a batch is in flight spills it too, and counts it once", async () => {
    for (const outcome of ["succeeds", "fails"] as const) {
      const { sink, queue } = await fixture({ capacity: 100, batchSize: 60 });
      sink.hold();
      offerAll(queue, makeEvents(60), 60);
      await eventually(() => sink.attempts === 1, "the first append");
      // Memory holds the batch in flight plus 40 more: the next offer must go to disk.
      offerAll(queue, makeEvents(80, "p", 60), 20);
      assert.ok(queue.stats().spilled >= 100, `${outcome}: spilled ${queue.stats().spilled}`);
      if (outcome === "fails") sink.down = true;
      sink.release();
      if (outcome === "fails") {
        await eventually(() => !queue.stats().sinkAvailable, "the failure");
        sink.down = false;
      }
      assert.equal(await queue.drain(10_000), true, outcome);
      assert.deepEqual(await readAllEvents(sink), makeEvents(140), outcome);
      const stats = queue.stats();
      assert.deepEqual([stats.accepted, stats.flushed, stats.refused], [140, 140, 0], outcome);
      await queue.close();
    }
  });

  it("offer never waits: full memory goes straight to disk while the sink is down", async () => {
    const { sink, queue } = await fixture({ capacity: 100, batchSize: 50, flushIntervalMs: 60_000 });
    sink.down = true;
    // All in one synchronous run: the loop never gets a turn, so only offer can make room.
    offerAll(queue, makeEvents(1000), 30);
    const stats = queue.stats();
    assert.equal(stats.accepted, 1000);
    assert.ok(stats.spilled >= 900);
    assert.equal(stats.depth, 1000);
    sink.down = false;
    assert.equal(await queue.drain(10_000), true);
    assert.deepEqual(await readAllEvents(sink), makeEvents(1000));
    await queue.close();
  });

  it("(restart) a new queue on the same spill file replays what the last one left", async () => {
    const spillPath = freshSpill();
    const sink = new FlakySink(new SqliteEventSink(":memory:"));
    const first = new EventQueue(sink, { spillPath, retryInitialMs: 5 });
    await first.start();
    sink.down = true;
    offerAll(first, makeEvents(700), 70);
    assert.equal(await first.drain(100), false);
    await first.close(100);
    assert.equal(first.stats().dropped, 0);
    assert.equal(readFileSync(spillPath, "utf8").trim().split("\n").length, 700);
    assert.equal(first.offer(makeEvents(1, "late")), "refused");

    sink.down = false;
    const second = new EventQueue(sink, { spillPath, retryInitialMs: 5 });
    await second.start();
    assert.equal(second.stats().depth, 700);
    second.offer(makeEvents(10, "p", 700));
    assert.equal(await second.drain(10_000), true);
    assert.deepEqual(await readAllEvents(sink), makeEvents(710));
    assert.equal(second.stats().replayed, 700);
    assert.equal(readFileSync(spillPath, "utf8"), "");
    await second.close();
  });

  it("(restart) a torn line from a crash is skipped and counted as dropped", async () => {
    const spillPath = freshSpill();
    const sink = new FlakySink(new SqliteEventSink(":memory:"));
    const first = new EventQueue(sink, { spillPath });
    await first.start();
    sink.down = true;
    offerAll(first, makeEvents(5), 5);
    await first.close(50);
    writeFileSync(spillPath, '{"eventId":"torn', { flag: "a" });
    sink.down = false;
    const second = new EventQueue(sink, { spillPath });
    await second.start();
    second.offer(makeEvents(1, "p", 5));
    assert.equal(await second.drain(10_000), true);
    assert.deepEqual(await readAllEvents(sink), makeEvents(6));
    assert.equal(second.stats().dropped, 1);
    await second.close();
  });

  for (const [label, spillPath] of [
    ["a path under a regular file", () => join(dir, "blocker", "spill.ndjson")],
    ["/dev/full", () => "/dev/full"],
  ] as const) {
    it(`(disk full: ${label}) refuses only once memory is full, and loses nothing accepted`, async () => {
      writeFileSync(join(dir, "blocker"), "");
      const { sink, queue } = await fixture({ spillPath: spillPath(), capacity: 100, batchSize: 50 });
      sink.down = true;
      offerAll(queue, makeEvents(100), 20);
      assert.equal(queue.offer(makeEvents(20, "p", 100)), "refused");
      await eventually(() => !queue.stats().spillWritable, "the spill failure");
      assert.equal(queue.offer(makeEvents(1, "p", 120)), "refused");
      let stats = queue.stats();
      assert.deepEqual([stats.accepted, stats.refused, stats.depth, stats.spilled], [100, 21, 100, 0]);
      assert.ok(queue.retryAfterSeconds() >= 1);
      sink.down = false;
      assert.equal(await queue.drain(10_000), true);
      assert.deepEqual(await readAllEvents(sink), makeEvents(100));
      // With room in memory again, offers are taken even though the disk is still unusable.
      assert.equal(queue.offer(makeEvents(10, "p", 100)), "queued");
      await queue.close();
      stats = queue.stats();
      assert.deepEqual([stats.accepted, stats.flushed, stats.dropped], [110, 110, 0]);
      assert.equal(await sink.count(), 110);
    });
  }

  it("(close) drains everything into the sink before it resolves", async () => {
    const { sink, queue } = await fixture({ batchSize: 10_000, flushIntervalMs: 60_000 });
    offerAll(queue, makeEvents(5000), 100);
    assert.equal(await sink.count(), 0);
    await queue.close();
    assert.deepEqual(await readAllEvents(sink), makeEvents(5000));
    assert.equal(queue.stats().depth, 0);
    assert.equal(queue.offer(makeEvents(1, "late")), "refused");
    assert.equal(queue.stats().refused, 1);
  });

  it("reports depth and lag by the injected clock", async () => {
    let now = 1_700_000_000_000;
    const { sink, queue } = await fixture({ now: () => now, flushIntervalMs: 60_000 });
    sink.down = true;
    queue.offer(makeEvents(3));
    now += 2500;
    const stats = queue.stats();
    assert.equal(stats.depth, 3);
    assert.equal(stats.memoryDepth, 3);
    assert.equal(stats.lagSeconds, 2.5);
    sink.down = false;
    await queue.close();
    assert.equal(queue.stats().lagSeconds, 0);
  });

  it("rejects malformed events and bad options at the door", async () => {
    const { queue } = await fixture();
    const bad = { ...makeEvents(1)[0], receivedAt: Number.NaN };
    assert.throws(() => queue.offer([makeEvents(1)[0], bad]), InputError);
    assert.equal(queue.stats().accepted, 0);
    await queue.close();
    const sink = new SqliteEventSink(":memory:");
    for (const options of [
      { spillPath: "" },
      { spillPath: "x", capacity: 0 },
      { spillPath: "x", batchSize: 10, capacity: 5 },
    ]) {
      assert.throws(() => new EventQueue(sink, options), InputError);
    }
    await sink.close();
  });
});
