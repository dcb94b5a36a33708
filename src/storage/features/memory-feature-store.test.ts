import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runFeatureStoreContract } from "./feature-store.contract.js";
import { MemoryFeatureStore } from "./memory-feature-store.js";

runFeatureStoreContract("memory", async ({ maxRecent }) => new MemoryFeatureStore({ maxRecent }));

const click = (i: number) => ({ itemId: `item-${i}`, type: "click", timestamp: i });

describe("MemoryFeatureStore", () => {
  it("keeps 50 recent events per user by default", async () => {
    const store = new MemoryFeatureStore();
    await store.appendRecent(Array.from({ length: 60 }, (_, i) => ({ userId: "alice", event: click(i) })));
    const { recent } = await store.getUser("alice", "v1");
    assert.equal(recent.length, 50);
    assert.deepEqual(recent[0], click(59));
  });

  it("drops the recent list of the least recently used user beyond maxUsers", async () => {
    const store = new MemoryFeatureStore({ maxUsers: 2 });
    await store.appendRecent([
      { userId: "alice", event: click(1) },
      { userId: "bob", event: click(2) },
    ]);
    await store.getUser("alice", "v1"); // alice is now more recently used than bob
    await store.appendRecent([{ userId: "carol", event: click(3) }]);
    assert.deepEqual((await store.getUser("alice", "v1")).recent, [click(1)]);
    assert.deepEqual((await store.getUser("bob", "v1")).recent, []);
    assert.deepEqual((await store.getUser("carol", "v1")).recent, [click(3)]);
  });

  it("keeps the vectors of the maxVersions most recently pushed model versions", async () => {
    const store = new MemoryFeatureStore({ maxVersions: 2 });
    for (const version of ["v1", "v2", "v3"]) {
      await store.putUserVectors(version, [{ userId: "alice", vector: Float32Array.of(1) }]);
    }
    assert.equal((await store.getUser("alice", "v1")).vector, null);
    assert.deepEqual((await store.getUser("alice", "v2")).vector, Float32Array.of(1));
    assert.deepEqual((await store.getUser("alice", "v3")).vector, Float32Array.of(1));
  });

  it("rejects bounds that are not positive integers", () => {
    assert.throws(() => new MemoryFeatureStore({ maxRecent: 0 }), RangeError);
    assert.throws(() => new MemoryFeatureStore({ maxUsers: 1.5 }), RangeError);
  });
});
