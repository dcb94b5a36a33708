import assert from "node:assert/strict";
import { test } from "node:test";
import { TtlLruCache } from "./ttl-lru-cache.js";

test("the cache evicts the least recently used entry beyond its size", () => {
  const cache = new TtlLruCache<number>({ maxEntries: 2, ttlMs: 1000, clock: () => 0 });
  cache.set("a", 1);
  cache.set("b", 2);
  assert.equal(cache.get("a"), 1); // a is now more recent than b
  cache.set("c", 3);
  assert.equal(cache.get("b"), undefined);
  assert.equal(cache.get("a"), 1);
  assert.equal(cache.get("c"), 3);
});

test("entries expire after their time to live", () => {
  let now = 0;
  const cache = new TtlLruCache<string>({ maxEntries: 10, ttlMs: 100, clock: () => now });
  cache.set("k", "v");
  now = 99;
  assert.equal(cache.get("k"), "v");
  now = 100;
  assert.equal(cache.get("k"), undefined);
  assert.equal(cache.size, 0);
});
