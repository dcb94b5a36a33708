import assert from "node:assert/strict";
import { test } from "node:test";
import type { ApiCall } from "./api-client.js";
import { EventPoster, type TimedEvent } from "./event-poster.js";

function event(dueMs: number, item = "r1"): TimedEvent {
  return {
    dueMs,
    body: {
      type: "view",
      user_id: "u1",
      item_id: item,
      timestamp: new Date(dueMs).toISOString(),
      recommendation_id: "rec",
      session_id: "s",
    },
  };
}

test("events are batched, and held until the shared clock reaches their time", async () => {
  const batches: unknown[][] = [];
  const api: ApiCall = async (_method, _path, body) => {
    batches.push(body as unknown[]);
    return { status: 202, body: "{}" };
  };
  let now = 1000;
  const poster = new EventPoster(api, { maxBatch: 3, flushMs: 5, clock: () => now });
  poster.add([event(500, "a"), event(900, "b"), event(950, "c"), event(990, "d"), event(5000, "later")]);
  for (let waited = 0; batches.length < 2 && waited < 2000; waited += 5) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.deepEqual(
    batches.map((b) => b.length),
    [3, 1],
  );
  assert.equal(poster.backlog, 1);
  now = 6000;
  await poster.close(true);
  assert.equal(batches.length, 3);
  assert.deepEqual(poster.stats, { accepted: 5, failed: 0, requests: 3 });
});

test("overload is retried, a rejected batch is reported and not retried", async () => {
  const statuses = [503, 202, 400];
  let calls = 0;
  const api: ApiCall = async () => {
    const status = statuses[calls++];
    return { status, body: status === 400 ? "bad event" : "", headers: { "retry-after": "0" } };
  };
  const errors: string[] = [];
  const poster = new EventPoster(api, { flushMs: 1000, onError: (m) => errors.push(m) });
  poster.add([event(1), event(2)]);
  await poster.close(false);
  assert.deepEqual(poster.stats, { accepted: 2, failed: 0, requests: 2 });
  const next = new EventPoster(api, { flushMs: 1000, onError: (m) => errors.push(m) });
  next.add([event(3)]);
  await next.close(false);
  assert.deepEqual(next.stats, { accepted: 0, failed: 1, requests: 1 });
  assert.match(errors[0], /400 bad event/);
});
