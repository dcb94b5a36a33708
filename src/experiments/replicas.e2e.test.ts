import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ServeConfigSchema } from "../server/serve-config.js";
import { createServing, type RunningServer } from "../server/server.js";
import { trainedCityModel } from "../server/testing/serving-fixture.js";
import { openStateStore } from "../storage/state/open-state-store.js";
import type { StateStore } from "../storage/state/state-store.js";
import { REDIS_SERVER_PATH, redisAvailable, TestRedis } from "../storage/testing/redis-server.js";
import { ModelRegistry } from "./registry.js";
import { popularityOnlyModel } from "./testing/canary-fixture.js";

const skip = redisAvailable() ? false : `no redis-server at ${REDIS_SERVER_PATH}`;
let redis: TestRedis;
let dir: string;
let store: StateStore;
let registry: ModelRegistry;
const replicas: RunningServer[] = [];

before(async () => {
  if (skip) return;
  redis = await TestRedis.start();
  dir = await mkdtemp(join(tmpdir(), "palate-replicas-"));
  store = await openStateStore(redis.url);
  registry = new ModelRegistry(store, { dir });
  await registry.register((await trainedCityModel()).modelDir, {
    actor: "test",
    reason: "seed",
    champion: true,
  });
  for (let r = 0; r < 2; r++) {
    replicas.push(
      await createServing(
        { registry: dir, state: redis.url },
        ServeConfigSchema.parse({
          featureStore: redis.url,
          eventLog: redis.url,
          spillPath: join(dir, `spill-${r}`),
        }),
      ),
    );
  }
});
after(async () => {
  for (const replica of replicas) await replica.close();
  await store?.close();
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const served = async (replica: RunningServer, user: string) =>
  (await replica.app.inject({ url: `/v1/recommendations?user_id=${user}&k=3` })).json() as {
    variant: string;
    model_version: string;
  };

test("two replicas sharing Redis agree on every user's variant, and a promotion reaches both within 2 s", {
  skip,
}, async () => {
  const candidate = (
    await registry.register(await popularityOnlyModel(), { actor: "test", reason: "candidate" })
  ).version;
  await registry.startCanary(candidate, 30, { actor: "test", reason: "try it" });
  // Both replicas follow the registry by polling its revision every 500 ms.
  await new Promise((r) => setTimeout(r, 1100));
  let canary = 0;
  for (let u = 0; u < 200; u++) {
    const [a, b] = await Promise.all(replicas.map((r) => served(r, `user-${u}`)));
    assert.equal(a.variant, b.variant, `user-${u}`);
    assert.equal(a.model_version, b.model_version);
    if (a.variant === "canary") canary++;
  }
  assert.ok(canary > 30 && canary < 90, `${canary}/200 users on a 30% canary`);

  const promotedAt = Date.now();
  await registry.promote(candidate, { actor: "test", reason: "ship it" });
  const reached: number[] = [];
  for (const replica of replicas) {
    while (Date.now() - promotedAt < 5000) {
      const body = await served(replica, "user-1");
      if (body.model_version === candidate && body.variant === "champion") break;
      await new Promise((r) => setTimeout(r, 25));
    }
    reached.push(Date.now() - promotedAt);
  }
  assert.ok(
    Math.max(...reached) <= 2000,
    `the promotion reached the replicas after ${reached.join(" and ")} ms`,
  );
});
