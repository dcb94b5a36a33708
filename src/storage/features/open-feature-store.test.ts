import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InputError } from "../../core/errors.js";
import { MemoryFeatureStore } from "./memory-feature-store.js";
import { openFeatureStore } from "./open-feature-store.js";

describe("openFeatureStore", () => {
  it("opens an in-memory store for memory:", async () => {
    const store = await openFeatureStore("memory:", { memory: { maxRecent: 2 } });
    try {
      assert.ok(store instanceof MemoryFeatureStore);
      assert.equal(store.backend, "memory");
      await store.appendRecent(
        [1, 2, 3].map((i) => ({ userId: "u", event: { itemId: `i${i}`, type: "view", timestamp: i } })),
      );
      assert.equal((await store.getUser("u", "v")).recent.length, 2);
    } finally {
      await store.close();
    }
  });

  it("lists the supported forms for an unknown scheme, without the password", async () => {
    const error = await openFeatureStore("postgres://admin:hunter2@db/palate").catch((e: unknown) => e);
    assert.ok(error instanceof InputError);
    assert.match(error.message, /unsupported scheme 'postgres:'/);
    assert.match(error.message, /memory:, redis:\/\/HOST\[:PORT\]\[\/DB\], rediss:\/\//);
    assert.doesNotMatch(error.message, /hunter2/);
  });

  it("rejects malformed memory and redis URLs as input errors", async () => {
    for (const url of ["memory:foo", "redis:localhost", "redis://", "rediss:/x", "no-scheme"]) {
      await assert.rejects(openFeatureStore(url), InputError, url);
    }
    const error = await openFeatureStore("redis:user:secret@host").catch((e: unknown) => e);
    assert.ok(error instanceof InputError);
    assert.doesNotMatch(error.message, /secret/);
  });
});
