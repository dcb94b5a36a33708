import assert from "node:assert/strict";
import { test } from "node:test";
import { Redis } from "ioredis";
import { REDIS_SERVER_PATH, redisAvailable, TestRedis } from "./redis-server.js";

test("a test redis-server answers, dies on kill and comes back on the same port", {
  skip: redisAvailable() ? false : `no redis-server at ${REDIS_SERVER_PATH}`,
}, async () => {
  const server = await TestRedis.start();
  const client = new Redis(server.url, {
    maxRetriesPerRequest: 0,
    retryStrategy: () => 50,
    lazyConnect: false,
  });
  client.on("error", () => {});
  try {
    assert.equal(await client.set("k", "v"), "OK");
    await server.kill();
    await assert.rejects(client.get("k"));
    await server.restart();
    let value: string | null | undefined;
    for (let attempt = 0; attempt < 50 && value === undefined; attempt++) {
      value = await client.get("k").catch(() => undefined);
      if (value === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    // Nothing persisted: the restarted server is empty.
    assert.equal(value, null);
  } finally {
    client.disconnect();
    await server.stop();
  }
});
