import assert from "node:assert/strict";
import { test } from "node:test";
import { openFeatureStore } from "../storage/features/open-feature-store.js";
import { ServingMetrics } from "../telemetry/metrics.js";
import { buildApp } from "./app.js";
import type { AppContext } from "./app-context.js";
import { EventRateLimiter, EventRateLimitSchema } from "./rate-limit.js";
import { ServeConfigSchema } from "./serve-config.js";

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const limits = (fields: Record<string, unknown>) => EventRateLimitSchema.parse(fields);

test("a bucket allows its burst, refills at the configured rate and says when to retry", () => {
  const clock = fakeClock();
  const limiter = new EventRateLimiter(limits({ eventsPerSecond: 2, burst: 5 }), clock.now);
  assert.deepEqual(limiter.take("ip:a", 5), { allowed: true });
  assert.deepEqual(limiter.take("ip:a", 1), { allowed: false, retryAfterSeconds: 1 });
  assert.deepEqual(limiter.take("ip:a", 4), { allowed: false, retryAfterSeconds: 2 });
  assert.deepEqual(limiter.take("ip:b", 5), { allowed: true }, "another client has its own bucket");
  clock.advance(500);
  assert.deepEqual(limiter.take("ip:a", 1), { allowed: true }, "half a second refills one event");
  assert.deepEqual(limiter.take("ip:a", 1), { allowed: false, retryAfterSeconds: 1 });
  clock.advance(60_000);
  assert.deepEqual(limiter.take("ip:a", 5), { allowed: true }, "refill stops at the burst");
  assert.equal(limiter.take("ip:a", 1).allowed, false);
});

test("a batch larger than the burst costs the whole bucket; a clock stepping back refills nothing", () => {
  const clock = fakeClock();
  const limiter = new EventRateLimiter(limits({ eventsPerSecond: 10, burst: 100 }), clock.now);
  assert.deepEqual(limiter.take("ip:a", 1000), { allowed: true });
  assert.deepEqual(limiter.take("ip:a", 1000), { allowed: false, retryAfterSeconds: 10 });
  clock.advance(-5_000);
  assert.equal(limiter.take("ip:a", 1).allowed, false);
});

test("clients beyond maxClients forget the least recently seen", () => {
  const clock = fakeClock();
  const limiter = new EventRateLimiter(limits({ eventsPerSecond: 1, burst: 1, maxClients: 3 }), clock.now);
  for (const client of ["a", "b", "c"]) assert.equal(limiter.take(client, 1).allowed, true);
  assert.equal(limiter.take("a", 1).allowed, false, "a is now the most recently seen");
  assert.equal(limiter.take("d", 1).allowed, true, "d evicts b, the least recently seen");
  assert.equal(limiter.clients, 3);
  assert.equal(limiter.take("c", 1).allowed, false, "c is still remembered");
  assert.equal(limiter.take("b", 1).allowed, true, "b was forgotten: a full bucket again");
});

test("clients are told apart by API key when configured (the key itself is not kept), else by IP", () => {
  const byKey = new EventRateLimiter(limits({ eventsPerSecond: 1, burst: 1, by: "api-key" }));
  const withKey = byKey.clientOf({ ip: "10.0.0.1", headers: { "x-api-key": "secret-key-1" } });
  assert.match(withKey, /^key:/);
  assert.ok(!withKey.includes("secret-key-1"));
  assert.equal(byKey.clientOf({ ip: "10.0.0.1", headers: {} }), "ip:10.0.0.1");
  const byIp = new EventRateLimiter(limits({ eventsPerSecond: 1, burst: 1 }));
  assert.equal(byIp.clientOf({ ip: "10.0.0.1", headers: { "x-api-key": "k" } }), "ip:10.0.0.1");
});

test("the configuration validates the limits", () => {
  assert.equal(ServeConfigSchema.parse({}).eventRateLimit, undefined, "off by default");
  const config = ServeConfigSchema.parse({ eventRateLimit: { eventsPerSecond: 50, burst: 1000 } });
  assert.deepEqual(config.eventRateLimit, {
    eventsPerSecond: 50,
    burst: 1000,
    by: "ip",
    apiKeyHeader: "x-api-key",
    maxClients: 100_000,
  });
  for (const bad of [
    { eventsPerSecond: 0, burst: 1 },
    { eventsPerSecond: 1, burst: 0.5 },
    { eventsPerSecond: 1 },
  ]) {
    assert.throws(() => ServeConfigSchema.parse({ eventRateLimit: bad }));
  }
});

/** The app with only what POST /v1/events needs (no model): the route under test, nothing else. */
async function eventsApp(limiter: EventRateLimiter, trustProxy?: string) {
  const queued: number[] = [];
  const metrics = new ServingMetrics();
  const context: AppContext = {
    service: null,
    featureStore: await openFeatureStore("memory:"),
    events: {
      offer: (events) => {
        queued.push(events.length);
        return "queued";
      },
      retryAfterSeconds: () => 1,
    },
    metrics,
    modelName: "palate",
    clock: () => 1_700_000_000_000,
  };
  const app = await buildApp(context, { eventRateLimit: limiter, trustProxy });
  return { app, queued, metrics, close: () => Promise.all([app.close(), context.featureStore.close()]) };
}

test("POST /v1/events answers 429 problem details with Retry-After past the limit, counted in a metric", async () => {
  const clock = fakeClock();
  const fx = await eventsApp(new EventRateLimiter(limits({ eventsPerSecond: 1, burst: 3 }), clock.now));
  const post = (payload: unknown, ip = "10.0.0.1") =>
    fx.app.inject({ method: "POST", url: "/v1/events", payload: payload as object, remoteAddress: ip });
  const event = { type: "click", user_id: "u", item_id: "i" };
  try {
    assert.equal((await post([event, event])).statusCode, 202);
    assert.equal((await post(event)).statusCode, 202);
    const refused = await post([event, event]);
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers["retry-after"], "2");
    assert.match(refused.headers["content-type"] as string, /application\/problem\+json/);
    assert.equal(refused.json().status, 429);
    assert.equal((await post(event, "10.0.0.2")).statusCode, 202, "another address has its own bucket");
    assert.equal((await post({ not: "an event" })).statusCode, 429, "invalid requests cost tokens too");
    clock.advance(2_000);
    assert.equal((await post([event, event])).statusCode, 202, "after Retry-After the batch passes");
    assert.deepEqual(fx.queued, [2, 1, 1, 2], "refused events never reach the queue");
    const text = await fx.metrics.registry.metrics();
    assert.match(text, /palate_events_rate_limited_total 3\b/);
  } finally {
    await fx.close();
  }
});

test("behind a trusted proxy, clients are told apart by X-Forwarded-For", async () => {
  const fx = await eventsApp(
    new EventRateLimiter(limits({ eventsPerSecond: 0.001, burst: 1 })),
    "10.0.0.0/8",
  );
  const post = (forwardedFor: string) =>
    fx.app.inject({
      method: "POST",
      url: "/v1/events",
      payload: { type: "click", user_id: "u", item_id: "i" },
      remoteAddress: "10.0.0.254",
      headers: { "x-forwarded-for": forwardedFor },
    });
  try {
    assert.equal((await post("203.0.113.1")).statusCode, 202);
    assert.equal((await post("203.0.113.1")).statusCode, 429);
    assert.equal((await post("203.0.113.2")).statusCode, 202, "another client behind the same proxy");
  } finally {
    await fx.close();
  }
});
