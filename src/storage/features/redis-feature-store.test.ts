import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { PalateError } from "../../core/errors.js";
import { REDIS_SERVER_PATH, redisAvailable, TestRedis } from "../testing/redis-server.js";
import { runFeatureStoreContract } from "./feature-store.contract.js";
import { openFeatureStore } from "./open-feature-store.js";
import { RedisFeatureStore, type RedisFeatureStoreOptions } from "./redis-feature-store.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const click = (i: number) => ({ itemId: `item-${i}`, type: "click", timestamp: 1_700_000_000 + i });

/** A key prefix of its own per store, so tests sharing a server never see each other's keys. */
function freshPrefix(): string {
  return `test-${randomBytes(6).toString("hex")}:`;
}

/** A plain client for looking behind the store's back (TTLs, counters, corrupt values). */
function inspector(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  client.on("error", () => {});
  return client;
}

async function until<T>(attempt: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function elapsedMs(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

if (!redisAvailable()) {
  it("RedisFeatureStore", { skip: `no redis-server at ${REDIS_SERVER_PATH} (set REDIS_SERVER)` }, () => {});
} else {
  let server: TestRedis;
  let raw: Redis;
  before(async () => {
    server = await TestRedis.start();
    raw = inspector(server.url);
  });
  after(async () => {
    raw.disconnect();
    await server.stop();
  });
  // A generous timeout: these tests check behaviour, and a busy CI machine can stall a reply past 20 ms.
  const open = (options: RedisFeatureStoreOptions = {}) =>
    RedisFeatureStore.open(server.url, { keyPrefix: freshPrefix(), commandTimeoutMs: 2000, ...options });

  runFeatureStoreContract("redis", ({ maxRecent }) => open({ maxRecent }));

  // The server counts the reads it does from client sockets; the INFO that reads the counter is
  // itself one read, hence the -1.
  const reads = async () => Number(/total_reads_processed:(\d+)/.exec(await raw.info("stats"))?.[1]);
  const readsDuring = async (work: () => Promise<unknown>) => {
    const start = await reads();
    await work();
    return (await reads()) - start - 1;
  };

  describe("RedisFeatureStore", () => {
    it("gives vectors and recent lists a TTL, refreshed on every write; item changes never expire", async () => {
      const store = await open();
      try {
        const keys = store.keys;
        await store.putUserVectors("v1", [{ userId: "alice", vector: Float32Array.of(1, 2) }]);
        await store.appendRecent([{ userId: "alice", event: click(1) }]);
        await store.putPreferences("alice", { cuisines: ["thai"] });
        await store.putItem({ itemId: "a", categories: [], attributes: {} });
        await store.deleteItem("b");
        const vectorTtl = await raw.pttl(keys.userVector("v1", "alice"));
        assert.ok(vectorTtl > 14 * DAY_MS - 60_000 && vectorTtl <= 14 * DAY_MS, `vector PTTL ${vectorTtl}`);
        const recentTtl = await raw.pttl(keys.recent("alice"));
        assert.ok(recentTtl > 30 * DAY_MS - 60_000 && recentTtl <= 30 * DAY_MS, `recent PTTL ${recentTtl}`);
        await raw.pexpire(keys.recent("alice"), 5_000);
        await store.appendRecent([{ userId: "alice", event: click(2) }]);
        assert.ok(
          (await raw.pttl(keys.recent("alice"))) > 30 * DAY_MS - 60_000,
          "the append refreshes the TTL",
        );
        // Declared preferences and item changes are source data: no expiry (-1).
        assert.equal(await raw.pttl(keys.preferences("alice")), -1);
        assert.equal(await raw.pttl(keys.items), -1);
        assert.equal(await raw.pttl(keys.deletedItems), -1);
      } finally {
        await store.close();
      }
    });

    it("takes its TTLs from the options", async () => {
      const store = await open({ vectorTtlSeconds: 60, recentTtlSeconds: 120, preferencesTtlSeconds: 180 });
      try {
        await store.putUserVectors("v1", [{ userId: "alice", vector: Float32Array.of(1) }]);
        await store.appendRecent([{ userId: "alice", event: click(1) }]);
        await store.putPreferences("alice", {});
        const ttl = (key: string) => raw.pttl(key);
        assert.ok((await ttl(store.keys.userVector("v1", "alice"))) <= 60_000);
        const recent = await ttl(store.keys.recent("alice"));
        assert.ok(recent > 60_000 && recent <= 120_000, `recent PTTL ${recent}`);
        const preferences = await ttl(store.keys.preferences("alice"));
        assert.ok(preferences > 120_000 && preferences <= 180_000, `preferences PTTL ${preferences}`);
      } finally {
        await store.close();
      }
    });

    it("reads a user's vector, recent list and preferences in one round trip", async () => {
      const store = await open();
      try {
        await store.putUserVectors("v1", [{ userId: "alice", vector: Float32Array.of(1, 2, 3) }]);
        await store.appendRecent([{ userId: "alice", event: click(1) }]);
        await store.putPreferences("alice", { cuisines: ["thai"] });
        // The yardstick: three commands awaited one by one are three reads.
        assert.equal(
          await readsDuring(async () => {
            for (const key of ["x", "y", "z"]) await raw.get(key);
          }),
          3,
        );
        let features: Awaited<ReturnType<RedisFeatureStore["getUser"]>> | undefined;
        assert.equal(
          await readsDuring(async () => {
            features = await store.getUser("alice", "v1");
          }),
          1,
        );
        assert.deepEqual(features, {
          vector: Float32Array.of(1, 2, 3),
          list: null,
          recent: [click(1)],
          preferences: { cuisines: ["thai"] },
        });
        // One plain command, no script: Redis's cheapest way to read four keys.
        const calls = async () =>
          Object.fromEntries(
            [...(await raw.info("commandstats")).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [
              m[1],
              Number(m[2]),
            ]),
          );
        const before = await calls();
        await store.getUser("alice", "v1");
        const after = await calls();
        const changed = Object.keys(after).filter((c) => after[c] !== before[c] && c !== "info");
        assert.deepEqual(changed, ["mget"]);
      } finally {
        await store.close();
      }
    });

    it("sends the reads asked for in one event-loop turn four to a write", async () => {
      const store = await open();
      try {
        const users = Array.from({ length: 20 }, (_, i) => `user-${i}`);
        await store.putUserVectors(
          "v1",
          users.map((userId, i) => ({ userId, vector: Float32Array.of(i) })),
        );
        let vectors: (Float32Array | null)[] = [];
        const serverReads = await readsDuring(async () => {
          const features = await Promise.all(users.map((userId) => store.getUser(userId, "v1")));
          vectors = features.map((f) => f.vector);
        });
        // Four to a write, so at most five; Redis may read two writes at once, never 20 apart.
        assert.ok(serverReads >= 1 && serverReads <= 5, `twenty reads took ${serverReads} server reads`);
        assert.deepEqual(
          vectors,
          users.map((_, i) => Float32Array.of(i)),
        );
        // The next turn's reads are not held back by this one's.
        assert.deepEqual((await store.getUser("user-3", "v1")).vector, Float32Array.of(3));
      } finally {
        await store.close();
      }
    });

    it("skips corrupt recent entries and preferences, and rejects a vector of the wrong size", async () => {
      const store = await open();
      try {
        await store.appendRecent([{ userId: "alice", event: click(1) }]);
        const stored = await raw.get(store.keys.recent("alice"));
        await raw.set(store.keys.recent("alice"), `not json\n${JSON.stringify({ itemId: 3 })}\n${stored}`);
        await raw.set(store.keys.preferences("alice"), JSON.stringify({ cuisines: "thai" }));
        assert.deepEqual(await store.getUser("alice", "v1"), {
          vector: null,
          list: null,
          recent: [click(1)],
          preferences: null,
        });
        await raw.set(store.keys.userVector("v1", "alice"), Buffer.alloc(5));
        await assert.rejects(store.getUser("alice", "v1"), PalateError);
      } finally {
        await store.close();
      }
    });
  });

  describe("RedisFeatureStore when Redis goes away", () => {
    let flaky: TestRedis;
    before(async () => {
      flaky = await TestRedis.start();
    });
    after(async () => {
      await flaky.stop();
    });

    it("rejects calls quickly while the server is down and works again after it restarts", async () => {
      // Well above a busy machine's stalls, well below the bound asserted on failing calls.
      const store = await RedisFeatureStore.open(flaky.url, {
        keyPrefix: freshPrefix(),
        commandTimeoutMs: 250,
      });
      try {
        await store.appendRecent([{ userId: "alice", event: click(1) }]);
        await flaky.kill();
        const calls: [string, () => Promise<unknown>][] = [
          ["getUser", () => store.getUser("alice", "v1")],
          ["putUserVectors", () => store.putUserVectors("v1", [{ userId: "a", vector: Float32Array.of(1) }])],
          ["appendRecent", () => store.appendRecent([{ userId: "alice", event: click(2) }])],
          ["putPreferences", () => store.putPreferences("alice", {})],
          ["itemChanges", () => store.itemChanges()],
        ];
        for (const [name, call] of calls) {
          const ms = await elapsedMs(() => assert.rejects(call(), `${name} should reject`));
          assert.ok(ms < 1000, `${name} took ${ms.toFixed(0)} ms to fail`);
        }
        await flaky.restart();
        // Nothing was persisted, so the restarted server comes back empty.
        assert.deepEqual(await until(() => store.getUser("alice", "v1"), 10_000), {
          vector: null,
          list: null,
          recent: [],
          preferences: null,
        });
        await store.appendRecent([{ userId: "alice", event: click(3) }]);
        assert.deepEqual((await store.getUser("alice", "v1")).recent, [click(3)]);
      } finally {
        await store.close();
      }
    });

    it("fails to open when Redis is unreachable, naming the URL without its password", async () => {
      await flaky.kill();
      try {
        const url = `redis://palate:s3cret@127.0.0.1:${flaky.port}`;
        const error = await openFeatureStore(url).then(
          () => assert.fail("opened a store on a dead server"),
          (e: unknown) => e,
        );
        assert.ok(error instanceof PalateError, String(error));
        assert.match(error.message, /cannot connect/);
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${flaky.port}`));
        assert.doesNotMatch(error.message, /s3cret/);
      } finally {
        await flaky.restart();
      }
    });

    it("opens without waiting when asked, and connects in the background once Redis is up", async () => {
      await flaky.kill();
      const store = await RedisFeatureStore.open(flaky.url, {
        keyPrefix: freshPrefix(),
        commandTimeoutMs: 250,
        waitForConnection: false,
      });
      try {
        assert.equal(store.connected, false);
        await assert.rejects(store.getUser("alice", "v1"));
        await flaky.restart();
        await until(() => store.putPreferences("alice", { cuisines: ["thai"] }), 10_000);
        assert.equal(store.connected, true);
        assert.deepEqual((await store.getUser("alice", "v1")).preferences, { cuisines: ["thai"] });
      } finally {
        await store.close();
      }
    });
  });
}
