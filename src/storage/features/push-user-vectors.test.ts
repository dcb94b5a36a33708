import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { InputError } from "../../core/errors.js";
import { HybridModel } from "../../models/hybrid/hybrid-model.js";
import { historyOf } from "../../models/hybrid/validation-users.js";
import { type LoadedModel, loadModel } from "../../models/model-kinds.js";
import { PopularityModel } from "../../models/popularity/popularity-model.js";
import { checkerboard } from "../../models/testing/synthetic.js";
import { REDIS_SERVER_PATH, redisAvailable, TestRedis } from "../testing/redis-server.js";
import type { FeatureStore } from "./feature-store.js";
import { MemoryFeatureStore } from "./memory-feature-store.js";
import { pushUserVectors } from "./push-user-vectors.js";
import { RedisFeatureStore } from "./redis-feature-store.js";

let dir = "";
let hybrid: LoadedModel;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-push-"));
  const data = checkerboard(23, 10);
  // Small parts: the test checks what is stored, not recommendation quality.
  const model = new HybridModel({
    als: { factors: 4, iterations: 3, threads: 0 },
    elsa: { factors: 4, epochs: 3 },
    cleora: { dimensions: 8, threads: 1 },
    validation: { maxUsersPerBucket: 20 },
  });
  await model.fit(data);
  await model.save(join(dir, "hybrid"));
  hybrid = await loadModel(join(dir, "hybrid"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Checks that every training user's stored vector is bit-for-bit the model's query for them. */
async function assertStoredQueries(store: FeatureStore, loaded: LoadedModel): Promise<void> {
  const model = loaded.model as HybridModel;
  for (let u = 0; u < loaded.users.size; u++) {
    const expected = model.queryFor(historyOf(loaded.train, u, model.learned.userMeta[u]));
    const { vector } = await store.getUser(loaded.users.idAt(u), loaded.manifest.version);
    assert.ok(vector, `no vector for ${loaded.users.idAt(u)}`);
    assert.deepEqual(new Uint8Array(vector.buffer), new Uint8Array(expected.buffer), `user ${u}`);
  }
}

describe("pushUserVectors", () => {
  it("stores every training user's hybrid query under the model version, in batches", async () => {
    const store = new MemoryFeatureStore();
    const progress: [number, number][] = [];
    const summary = await pushUserVectors(hybrid, store, {
      batchSize: 10,
      onProgress: (done, total) => progress.push([done, total]),
    });
    assert.equal(summary.modelVersion, hybrid.manifest.version);
    assert.equal(summary.users, 23);
    assert.ok(summary.dims > 0);
    assert.deepEqual(progress, [
      [10, 23],
      [20, 23],
      [23, 23],
    ]);
    await assertStoredQueries(store, hybrid);
    assert.equal((await store.getUser("u0", "another-version")).vector, null);
    await store.close();
  });

  it("refuses a model that is not a hybrid", async () => {
    const popularity = new PopularityModel();
    await popularity.fit(checkerboard(6, 4));
    await popularity.save(join(dir, "popularity"));
    const loaded = await loadModel(join(dir, "popularity"));
    await assert.rejects(pushUserVectors(loaded, new MemoryFeatureStore()), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /popularity model has no user query vectors/);
      return true;
    });
  });

  it("rejects a batch size below 1", async () => {
    await assert.rejects(pushUserVectors(hybrid, new MemoryFeatureStore(), { batchSize: 0 }), RangeError);
  });

  it("writes the same vectors to a real Redis", {
    skip: redisAvailable() ? false : `no redis-server at ${REDIS_SERVER_PATH}`,
  }, async () => {
    const server = await TestRedis.start();
    const store = await RedisFeatureStore.open(server.url, {
      keyPrefix: `test-${randomBytes(6).toString("hex")}:`,
      commandTimeoutMs: 5000,
    });
    try {
      const summary = await pushUserVectors(hybrid, store, { batchSize: 7 });
      assert.equal(summary.users, 23);
      await assertStoredQueries(store, hybrid);
    } finally {
      await store.close();
      await server.stop();
    }
  });
});
