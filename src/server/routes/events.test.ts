import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { servingFixture } from "../testing/serving-fixture.js";

let fx: Awaited<ReturnType<typeof servingFixture>>;
before(async () => {
  fx = await servingFixture();
});
after(async () => {
  await fx?.close();
});

test("every accepted event reaches the event log once, with its fields", async () => {
  const accepted: string[] = [];
  for (let batch = 0; batch < 5; batch++) {
    const payload = Array.from({ length: 200 }, (_, i) => ({
      type: i % 3 === 0 ? "booking" : "click",
      user_id: `u${batch}`,
      item_id: `i${i}`,
      timestamp: "2026-11-26T12:00:00Z",
      recommendation_id: "r-1",
      session_id: "s-1",
    }));
    const response = await fx.app.inject({ method: "POST", url: "/v1/events", payload });
    assert.equal(response.statusCode, 202, response.body);
    assert.equal(response.json().accepted, 200);
    accepted.push(...response.json().event_ids);
  }
  const single = await fx.app.inject({
    method: "POST",
    url: "/v1/events",
    payload: { type: "view", user_id: "x", item_id: "y", timestamp: 1_700_000_000, value: 2 },
  });
  assert.equal(single.statusCode, 202);
  accepted.push(...single.json().event_ids);
  assert.equal(new Set(accepted).size, 1001);
  await fx.queue.drain(10_000);
  const sink = fx.queue.sink;
  assert.equal(await sink.count(), 1001);
  const page = await sink.read("", 2000);
  assert.deepEqual(new Set(page.events.map((e) => e.eventId)), new Set(accepted));
  const last = page.events.find((e) => e.eventId === single.json().event_ids[0]);
  assert.equal(last?.timestamp, 1_700_000_000);
  assert.equal(last?.value, 2);
  const first = page.events.find((e) => e.eventId === accepted[0]);
  assert.equal(first?.timestamp, Date.parse("2026-11-26T12:00:00Z") / 1000);
  assert.equal(first?.recommendationId, "r-1");
});

test("metrics expose request latency, fallbacks and queue state; OpenAPI documents the routes", async () => {
  await fx.app.inject({ url: "/v1/recommendations?user_id=metrics-stranger" });
  const metrics = await fx.app.inject({ url: "/metrics" });
  assert.equal(metrics.statusCode, 200);
  assert.match(metrics.body, /palate_http_request_duration_seconds_bucket\{.*route="\/v1\/recommendations"/);
  assert.match(
    metrics.body,
    /palate_recommendations_total\{source="global-popularity",fallback="global-popularity"\} \d/,
  );
  assert.match(metrics.body, /palate_event_queue_depth \d/);
  assert.match(metrics.body, /palate_cache_lookups_total\{cache="user",result="miss"\}/);
  const openapi = (await fx.app.inject({ url: "/docs/openapi.json" })).json();
  for (const path of [
    "/v1/recommendations",
    "/v1/events",
    "/v1/items/{id}",
    "/v1/items/{id}/similar",
    "/v1/users/{id}/preferences",
  ])
    assert.ok(openapi.paths[path], `OpenAPI lacks ${path}`);
  assert.equal((await fx.app.inject({ url: "/readyz" })).statusCode, 200);
});
