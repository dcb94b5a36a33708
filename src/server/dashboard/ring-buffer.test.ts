import assert from "node:assert/strict";
import { test } from "node:test";
import { RingBuffer } from "./ring-buffer.js";

test("a ring buffer keeps the newest entries, oldest first", () => {
  const ring = new RingBuffer<number>(3);
  assert.deepEqual(ring.toArray(), []);
  assert.equal(ring.last(), undefined);
  ring.push(1);
  ring.push(2);
  assert.deepEqual(ring.toArray(), [1, 2]);
  for (const n of [3, 4, 5]) ring.push(n);
  assert.deepEqual(ring.toArray(), [3, 4, 5]);
  assert.equal(ring.size, 3);
  assert.equal(ring.last(), 5);
  ring.clear();
  assert.deepEqual(ring.toArray(), []);
  ring.push(6);
  assert.deepEqual(ring.toArray(), [6]);
});

test("a ring buffer refuses a capacity that is not a positive integer", () => {
  assert.throws(() => new RingBuffer(0), /positive integer, got 0/);
  assert.throws(() => new RingBuffer(2.5), /positive integer, got 2.5/);
});
