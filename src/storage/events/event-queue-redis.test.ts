import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { REDIS_SERVER_PATH, redisAvailable, TestRedis } from "../testing/redis-server.js";
import { EventQueue } from "./event-queue.js";
import { RedisEventSink } from "./redis-event-sink.js";
import { makeEvents, readAllEvents } from "./testing/make-events.js";

const skip = redisAvailable() ? false : `no redis-server at ${REDIS_SERVER_PATH}; set REDIS_SERVER to run`;
let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-queue-redis-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PRODUCERS = 4;
const PER_PRODUCER = 5000;
const BATCH = 10;

it("(redis outage) 20,000 events offered while redis-server is killed and restarted reach the stream exactly once, in order per producer", {
  skip,
}, async (t) => {
  // Persisted (AOF, fsync always) like a real deployment: what Redis acknowledged survives the crash.
  const redis = await TestRedis.start({ persistDir: dir });
  const sink = new RedisEventSink(redis.url, { reconnectMaxMs: 50, commandTimeoutMs: 1000 });
  await sink.ready();
  const queue = new EventQueue(sink, {
    spillPath: join(dir, "spill", "events.ndjson"),
    capacity: 2000,
    batchSize: 200,
    flushIntervalMs: 20,
    retryInitialMs: 20,
    retryMaxMs: 200,
  });
  await queue.start();
  try {
    let offered = 0;
    let outage: Promise<void> = Promise.resolve();
    const killAt = 5000;
    const restartAt = 12_000;
    const producer = async (p: number) => {
      const events = makeEvents(PER_PRODUCER, `producer${p}`);
      for (let i = 0; i < events.length; i += BATCH) {
        assert.equal(queue.offer(events.slice(i, i + BATCH)), "queued");
        offered += BATCH;
        // The outage is driven by progress, not by the clock, so it lands mid-stream on any machine.
        if (offered === killAt) outage = redis.kill();
        if (offered === restartAt) outage = outage.then(() => redis.restart());
        await new Promise((r) => setTimeout(r, 1));
      }
    };
    await Promise.all(Array.from({ length: PRODUCERS }, (_, p) => producer(p)));
    await outage;
    assert.equal(redis.running, true);
    assert.equal(await queue.drain(30_000), true, `not drained: ${JSON.stringify(queue.stats())}`);

    const stored = await readAllEvents(sink, 5000);
    assert.equal(stored.length, PRODUCERS * PER_PRODUCER);
    assert.equal(new Set(stored.map((e) => e.eventId)).size, stored.length, "an event was stored twice");
    assert.equal(await sink.count(), PRODUCERS * PER_PRODUCER);
    const next = new Map<string, number>();
    for (const e of stored) {
      const producerId = e.eventId.split("-")[0];
      const expected = next.get(producerId) ?? 0;
      assert.equal(e.value, expected, `${producerId}: event ${e.value} stored where ${expected} was due`);
      next.set(producerId, expected + 1);
    }
    assert.deepEqual([...next.values()], Array(PRODUCERS).fill(PER_PRODUCER));

    const stats = queue.stats();
    t.diagnostic(`queue stats after the outage: ${JSON.stringify(stats)}`);
    assert.equal(stats.accepted, PRODUCERS * PER_PRODUCER);
    assert.equal(stats.flushed, PRODUCERS * PER_PRODUCER);
    assert.equal(stats.refused, 0);
    assert.equal(stats.dropped, 0);
    assert.equal(stats.depth, 0);
    assert.ok(stats.spilled > 0 && stats.replayed > 0, "the outage should have gone through the spill file");
  } finally {
    await queue.close(5000);
    await sink.close();
    await redis.stop();
  }
});
