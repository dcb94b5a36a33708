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

test("eviction keeps least-recently-used order through many hits, deletes and a clear", () => {
  const cache = new TtlLruCache<number>({ maxEntries: 50, ttlMs: 1e9 });
  // A reference LRU kept as a plain array, oldest first.
  let order: string[] = [];
  const touch = (key: string) => {
    order = order.filter((k) => k !== key);
    order.push(key);
  };
  let state = 7;
  const random = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  for (let step = 0; step < 5000; step++) {
    const key = `k${random(120)}`;
    const action = random(10);
    if (step === 2500) {
      cache.clear();
      order = [];
    } else if (action < 5) {
      cache.set(key, step);
      touch(key);
      if (order.length > 50) order.shift();
    } else if (action < 9) {
      const hit = cache.get(key) !== undefined;
      assert.equal(hit, order.includes(key), `step ${step}: get ${key}`);
      if (hit) touch(key);
    } else {
      cache.delete(key);
      order = order.filter((k) => k !== key);
    }
    assert.equal(cache.size, order.length, `step ${step}: size`);
  }
});
