import assert from "node:assert/strict";
import { test } from "node:test";
import { TokenBucket } from "./token-bucket.js";

test("a token bucket starts full, refills at its rate up to its burst, and never goes negative", () => {
  const bucket = new TokenBucket(4, 2, 0);
  assert.equal(bucket.take(0), true);
  assert.equal(bucket.take(0), true);
  assert.equal(bucket.take(0), false, "empty after its burst");
  assert.equal(bucket.secondsUntil(0), 0.25);
  assert.equal(bucket.take(250), true, "a quarter second at 4/s is one token");
  assert.equal(bucket.take(10_000, 3), false, "never more than the burst, however long it waited");
  assert.equal(bucket.take(10_000, 2), true);
});

test("a clock stepping back refills nothing, and the time stepped back is not refilled twice", () => {
  const bucket = new TokenBucket(1, 1, 5_000);
  assert.equal(bucket.take(5_000), true);
  assert.equal(bucket.take(2_000), false);
  assert.equal(bucket.take(5_500), false, "half a second after the last take, not three and a half");
  assert.equal(bucket.take(6_000), true);
});

test("a bucket with rate 0 gives its burst once; bad settings are refused", () => {
  const bucket = new TokenBucket(0, 1, 0);
  assert.equal(bucket.take(0), true);
  assert.equal(bucket.take(1e9), false);
  assert.equal(bucket.secondsUntil(1e9), Number.POSITIVE_INFINITY);
  assert.throws(() => new TokenBucket(-1, 1, 0), /rate and a burst ≥ 0, got -1 and 1/);
  assert.throws(() => new TokenBucket(1, Number.NaN, 0), /got 1 and NaN/);
});
