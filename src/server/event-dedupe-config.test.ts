import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import { REDIS_SERVER_PATH, redisAvailable, TestRedis } from "../storage/testing/redis-server.js";
import { servingFixture } from "./testing/serving-fixture.js";

// `eventDedupeSeconds` bounds how long each logged event id costs Redis memory: the served
// event log must write its dedupe markers with that TTL, not the sink's default of a day.

const skip = redisAvailable() ? false : `no redis-server at ${REDIS_SERVER_PATH}`;
let redis: TestRedis;
let fx: Awaited<ReturnType<typeof servingFixture>>;

before(async () => {
  if (skip) return;
  redis = await TestRedis.start();
  fx = await servingFixture({ eventLog: redis.url, eventDedupeSeconds: 600 });
});
after(async () => {
  await fx?.close();
  await redis?.stop();
});

test("the served Redis event log keeps dedupe markers for eventDedupeSeconds", { skip }, async () => {
  const posted = await fx.app.inject({
    method: "POST",
    url: "/v1/events",
    payload: { type: "click", user_id: "u-dedupe", item_id: fx.model.catalog.ids.idAt(0) },
  });
  assert.equal(posted.statusCode, 202);
  const [eventId] = posted.json().event_ids as string[];
  const raw = new Redis(redis.url);
  try {
    const marker = `palate:events:seen:${eventId}`;
    const deadline = Date.now() + 5000;
    while ((await raw.exists(marker)) === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const ttl = await raw.ttl(marker);
    assert.ok(ttl > 500 && ttl <= 600, `marker TTL ${ttl} s`);
  } finally {
    raw.disconnect();
  }
});
