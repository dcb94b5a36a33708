import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { PalateError } from "../../core/errors.js";
import { freePort, REDIS_SERVER_PATH, redisAvailable, TestRedis } from "../testing/redis-server.js";
import type { EventSink } from "./event-log.js";
import { runEventSinkContract } from "./event-sink.contract.js";
import { openEventSink } from "./open-event-sink.js";
import { RedisEventSink } from "./redis-event-sink.js";
import { makeEvents, readAllEvents } from "./testing/make-events.js";

const skip = redisAvailable() ? false : `no redis-server at ${REDIS_SERVER_PATH}; set REDIS_SERVER to run`;
let redis: TestRedis | null = null;
let prefixes = 0;

before(async () => {
  if (!skip) redis = await TestRedis.start();
});
after(async () => {
  await redis?.stop();
});

// Every sink gets its own key prefix on the one server, so each test starts from an empty stream.
const freshPrefix = () => `test:${process.pid}:${prefixes++}`;

if (skip) {
  it("RedisEventSink tests", { skip }, () => {});
} else {
  runEventSinkContract(
    "redis stream",
    () => openEventSink(redis!.url, { redis: { keyPrefix: freshPrefix() } }),
    {
      reopen: async (sink) => {
        assert.ok(sink instanceof RedisEventSink);
        const keyPrefix = sink.streamKey.slice(0, -":stream".length);
        return openEventSink(redis!.url, { redis: { keyPrefix } });
      },
    },
  );

  describe("RedisEventSink", () => {
    it("writes one stream entry with snake_case fields and a dedupe marker with a TTL", async () => {
      const keyPrefix = freshPrefix();
      const sink = await openEventSink(redis!.url, { redis: { keyPrefix, dedupeTtlSeconds: 3600 } });
      const raw = new Redis(redis!.url);
      try {
        const [event] = makeEvents(1);
        await sink.append([{ ...event, sessionId: "s" }]);
        const entries = await raw.xrange(`${keyPrefix}:stream`, "-", "+");
        assert.equal(entries.length, 1);
        const fields = entries[0][1];
        assert.deepEqual(
          fields.filter((_, i) => i % 2 === 0),
          ["event_id", "type", "user_id", "item_id", "timestamp", "received_at", "value", "session_id"],
        );
        assert.equal(await raw.get(`${keyPrefix}:seen:${event.eventId}`), entries[0][0]);
        const ttl = await raw.ttl(`${keyPrefix}:seen:${event.eventId}`);
        assert.ok(ttl > 3500 && ttl <= 3600, `ttl ${ttl}`);
      } finally {
        raw.disconnect();
        await sink.close();
      }
    });

    it("names the entry and the field when a stream entry's items are not a JSON array of strings", async () => {
      const keyPrefix = freshPrefix();
      const sink = await openEventSink(redis!.url, { redis: { keyPrefix } });
      const raw = new Redis(redis!.url);
      try {
        const [event] = makeEvents(1);
        await sink.append([{ ...event, type: "impression", items: ["a", "b"] }]);
        assert.deepEqual((await readAllEvents(sink))[0].items, ["a", "b"]);
        // Written by something else than the sink: truncated JSON, then numbers.
        const broken = await raw.xadd(`${keyPrefix}:stream`, "*", "event_id", "x", "items", '["a",');
        await assert.rejects(sink.read("", 10), new RegExp(`stream entry ${broken}: field 'items'`));
        await raw.del(`${keyPrefix}:stream`);
        await raw.xadd(`${keyPrefix}:stream`, "*", "event_id", "y", "items", "[1,2]");
        await assert.rejects(sink.read("", 10), /field 'items' is not a JSON array of strings: '\[1,2\]'/);
      } finally {
        raw.disconnect();
        await sink.close();
      }
    });

    it("caps the stream approximately when maxLength is set", async () => {
      const sink = await openEventSink(redis!.url, { redis: { keyPrefix: freshPrefix(), maxLength: 100 } });
      try {
        for (let b = 0; b < 10; b++) await sink.append(makeEvents(100, "p", b * 100));
        const count = await sink.count();
        assert.ok(count >= 100 && count < 1000, `stream length ${count}`);
        const events = await readAllEvents(sink);
        assert.deepEqual(events[events.length - 1], makeEvents(1, "p", 999)[0]);
      } finally {
        await sink.close();
      }
    });

    it("trims through the oldest reader's cursor, keeps what follows, and still deduplicates", async () => {
      const sink = (await openEventSink(redis!.url, {
        redis: { keyPrefix: freshPrefix() },
      })) as RedisEventSink;
      try {
        const events = makeEvents(10);
        await sink.append(events);
        const first = await sink.read("", 3);
        const further = await sink.read("", 6);
        assert.equal(await sink.trimThrough([further.cursor, ""]), 0, "a reader at the start keeps all");
        // The oldest of the two readers (after 3 events) bounds what goes.
        assert.equal(await sink.trimThrough([further.cursor, first.cursor]), 3);
        assert.deepEqual(
          (await readAllEvents(sink)).map((e) => e.eventId),
          events.slice(3).map((e) => e.eventId),
        );
        // Reading on from either cursor is unaffected.
        assert.deepEqual(
          (await sink.read(first.cursor, 100)).events.map((e) => e.value),
          [3, 4, 5, 6, 7, 8, 9],
        );
        // A replay of trimmed events (a spill file) is still recognised: nothing is re-added.
        await sink.append(events.slice(0, 3));
        assert.equal(await sink.count(), 7);
        assert.equal(await sink.trimThrough([further.cursor]), 3);
        await assert.rejects(sink.trimThrough(["12-x"]), /readers\[0\].*not a stream id/);
        await assert.rejects(sink.trimThrough(["", "12-x"]), /readers\[1\].*not a stream id/);
      } finally {
        await sink.close();
      }
    });

    it("fails fast while Redis is down and works again once it is back", async () => {
      const own = await TestRedis.start();
      const sink = (await openEventSink(own.url, {
        redis: { keyPrefix: freshPrefix(), reconnectMaxMs: 50 },
      })) as RedisEventSink;
      try {
        await sink.append(makeEvents(2));
        await own.kill();
        const started = Date.now();
        await assert.rejects(sink.append(makeEvents(3)), PalateError);
        await assert.rejects(sink.count(), PalateError);
        assert.ok(Date.now() - started < 1000, "an append to a dead server must not wait");
        await own.restart();
        await sink.ready(5000);
        // Not persisted: the restarted server is empty, and appends go through again.
        await sink.append(makeEvents(3));
        assert.equal(await sink.count(), 3);
      } finally {
        await sink.close();
        await own.stop();
      }
    });

    it("refuses to open when nothing listens, naming the URL without its password", async () => {
      const url = `redis://user:s3cret@127.0.0.1:${await freePort()}`;
      await assert.rejects(openEventSink(url, { redis: { connectTimeoutMs: 300 } }), (error: unknown) => {
        assert.ok(error instanceof PalateError);
        assert.match(error.message, /unreachable/);
        assert.doesNotMatch(error.message, /s3cret/);
        return true;
      });
      const lazy: EventSink = await openEventSink(url, { waitForConnection: false });
      await assert.rejects(lazy.append(makeEvents(1)), PalateError);
      await lazy.close();
    });
  });
}
