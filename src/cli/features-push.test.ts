import assert from "node:assert/strict";
import { test } from "node:test";
import { Redis } from "ioredis";
import { loadModel } from "../models/model-kinds.js";
import { decodeList } from "../recommend/precomputed-lists.js";
import { trainedCityModel } from "../server/testing/serving-fixture.js";
import { RedisFeatureKeys } from "../storage/features/redis-feature-layout.js";
import { redisForThisFile } from "../storage/testing/redis-per-file.js";
import { palate } from "./testing/run-palate.js";

const { skip, server } = redisForThisFile();

test("features push writes every user's vector and candidate list; --lists 0 removes the lists", {
  skip,
}, async () => {
  const { modelDir } = await trainedCityModel();
  const loaded = await loadModel(modelDir);
  const url = server().url;
  const keys = new RedisFeatureKeys("palate:");
  const client = new Redis(url);
  try {
    const pushed = await palate("features", "push", "--model", modelDir, "--redis", url, "--lists", "15");
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.match(pushed.stdout, /pushed 300 user vectors \(\d+ floats each, 15 candidates each\)/);
    const version = loaded.manifest.version;
    for (let u = 0; u < loaded.users.size; u++) {
      const userId = loaded.users.idAt(u);
      const bytes = await client.getBuffer(keys.userList(version, userId));
      assert.ok(bytes, `no list for ${userId}`);
      const list = decodeList(bytes, userId);
      const trained = new Set(
        loaded.train.indices.subarray(loaded.train.indptr[u], loaded.train.indptr[u + 1]),
      );
      assert.equal(list.items.length, 15);
      assert.ok(
        list.items.every((item) => !trained.has(item)),
        `${userId}: a trained item is listed`,
      );
      assert.ok(
        list.scores.every((s, c) => c === 0 || s <= list.scores[c - 1]),
        `${userId}: not best first`,
      );
    }
    const bare = await palate("features", "push", "--model", modelDir, "--redis", url, "--lists", "0");
    assert.equal(bare.code, 0, bare.stderr);
    assert.equal(await client.exists(keys.userList(version, loaded.users.idAt(0))), 0);
    assert.ok(await client.exists(keys.userVector(version, loaded.users.idAt(0))));
    const wrong = await palate("features", "push", "--model", modelDir, "--redis", url, "--lists", "-1");
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /--lists/);
  } finally {
    client.disconnect();
  }
});
