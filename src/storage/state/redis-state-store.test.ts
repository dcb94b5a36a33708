import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { Redis } from "ioredis";
import { redisForThisFile } from "../testing/redis-per-file.js";
import { freePort, TestRedis } from "../testing/redis-server.js";
import { openStateStore } from "./open-state-store.js";
import { RedisStateStore } from "./redis-state-store.js";
import { runStateStoreContract } from "./state-store.contract.js";

const { skip, server } = redisForThisFile();
const freshPrefix = () => `test:${randomBytes(4).toString("hex")}`;

runStateStoreContract("redis", {
  open: () => RedisStateStore.open(server().url, { keyPrefix: freshPrefix() }),
  openPeer: (store) =>
    RedisStateStore.open(server().url, { keyPrefix: (store as RedisStateStore).keyPrefix }),
  // Real time: Redis expires leases on its own clock.
  advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  leaseMs: 400,
  skip,
});

test("redis: every write publishes the new revision on PREFIX:changes, and keys stay under the prefix", {
  skip,
}, async () => {
  const store = await RedisStateStore.open(server().url, { keyPrefix: freshPrefix() });
  const listener = new Redis(server().url);
  const admin = new Redis(server().url);
  try {
    const heard: string[] = [];
    listener.on("message", (_channel: string, message: string) => heard.push(message));
    await listener.subscribe(store.changesChannel);
    await store.putVersion({
      version: "v1",
      dir: "/r/v1",
      stage: "candidate",
      registeredAt: 1,
      metrics: {},
      dataSnapshot: { interactions: 1, maxTimestamp: null, source: "s" },
    });
    await store.commit({
      stages: [{ version: "v1", to: "rejected" }],
      transitions: [{ version: "v1", from: "candidate", to: "rejected", at: 2, reason: "gate", actor: "t" }],
    });
    await store.acquireLease("controller", "a", 1000);
    const deadline = Date.now() + 2000;
    while (heard.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(heard, ["1", "2"], "leases are not registry changes and publish nothing");
    const keys = await admin.keys(`${store.keyPrefix}:*`);
    assert.deepEqual(keys.map((k) => k.slice(store.keyPrefix.length + 1)).sort(), [
      "lease:controller",
      "order",
      "revision",
      "stages",
      "transitions",
      "versions",
    ]);
  } finally {
    listener.disconnect();
    admin.disconnect();
    await store.close();
  }
});

test("redis: opening fails fast when Redis is unreachable", { skip }, async () => {
  const started = Date.now();
  await assert.rejects(
    openStateStore(`redis://127.0.0.1:${await freePort()}`),
    /state store 'redis:\/\/.*' is unreachable/,
  );
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
});

test("redis: commands fail fast while Redis is down and work again once it is back", { skip }, async () => {
  const own = await TestRedis.start();
  const store = await RedisStateStore.open(own.url, { keyPrefix: freshPrefix(), reconnectMaxMs: 100 });
  try {
    assert.equal(await store.revision(), 0);
    await own.kill();
    const started = Date.now();
    await assert.rejects(store.revision(), /state store 'redis:/);
    await assert.rejects(store.commit({ stages: [], transitions: [] }));
    assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
    await own.restart();
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        assert.equal(await store.revision(), 0, "the restarted server is empty");
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } finally {
    await store.close();
    await own.stop();
  }
});
