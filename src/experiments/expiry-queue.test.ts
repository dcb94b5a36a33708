import assert from "node:assert/strict";
import { test } from "node:test";
import { ExpiryQueue } from "./expiry-queue.js";

test("entries leave oldest first, up to the horizon, and the queue compacts as it goes", () => {
  const q = new ExpiryQueue();
  for (let t = 0; t < 5000; t++) q.push(`k${t}`, t);
  const out: string[] = [];
  q.popBefore(3, (key) => out.push(key));
  assert.deepEqual(out, ["k0", "k1", "k2"]);
  q.popOldest((key, time) => out.push(`${key}@${time}`));
  assert.equal(out.at(-1), "k3@3");
  q.popBefore(4000, () => {});
  assert.equal(q.size, 1000);
  const rest: number[] = [];
  q.popBefore(Number.POSITIVE_INFINITY, (_, time) => rest.push(time));
  assert.equal(rest.length, 1000);
  assert.equal(rest[0], 4000);
  assert.equal(q.size, 0);
  q.popOldest(() => assert.fail("empty"));
});
