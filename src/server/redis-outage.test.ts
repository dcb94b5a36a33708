import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { REDIS_SERVER_PATH, redisAvailable, TestRedis } from "../storage/testing/redis-server.js";
import { servingFixture } from "./testing/serving-fixture.js";

const skip = redisAvailable() ? false : `no redis-server at ${REDIS_SERVER_PATH}`;
let redis: TestRedis;
let fx: Awaited<ReturnType<typeof servingFixture>>;

before(async () => {
  if (skip) return;
  // Persisted, so events in the stream survive the crash as they would on a real deployment.
  redis = await TestRedis.start({ persistDir: await mkdtemp(join(tmpdir(), "palate-redis-")) });
  fx = await servingFixture({ featureStore: redis.url, eventLog: redis.url });
});
after(async () => {
  await fx?.close();
  await redis?.stop();
});

test("killing Redis under load: zero 5xx, fallbacks served and counted, every accepted event in Redis after it returns", {
  skip,
}, async () => {
  const statuses = new Map<number, number>();
  const fallbacks = new Map<string, number>();
  const accepted: string[] = [];
  let stop = false;
  const worker = async (w: number) => {
    for (let n = 0; !stop; n++) {
      const userId =
        n % 2 === 0 ? fx.model.users.idAt((w * 31 + n) % fx.model.users.size) : `load-user-${w}-${n % 5}`;
      const rec = await fx.app.inject({ url: `/v1/recommendations?user_id=${userId}&k=10` });
      statuses.set(rec.statusCode, (statuses.get(rec.statusCode) ?? 0) + 1);
      if (rec.statusCode === 200) {
        const fallback = rec.json().fallback ?? "none";
        fallbacks.set(fallback, (fallbacks.get(fallback) ?? 0) + 1);
      }
      const ev = await fx.app.inject({
        method: "POST",
        url: "/v1/events",
        payload: [
          { type: "click", user_id: userId, item_id: fx.model.catalog.ids.idAt(n % fx.model.catalog.size) },
        ],
      });
      statuses.set(ev.statusCode, (statuses.get(ev.statusCode) ?? 0) + 1);
      if (ev.statusCode === 202) accepted.push(...ev.json().event_ids);
      await new Promise((r) => setImmediate(r));
    }
  };
  const workers = [0, 1, 2, 3].map(worker);
  await new Promise((r) => setTimeout(r, 700));
  await redis.kill();
  await new Promise((r) => setTimeout(r, 1500));
  await redis.restart();
  await new Promise((r) => setTimeout(r, 1500));
  stop = true;
  await Promise.all(workers);

  const fiveHundreds = [...statuses].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0);
  assert.equal(fiveHundreds, 0, `5xx responses: ${JSON.stringify([...statuses])}`);
  const degraded = (fallbacks.get("cached-events") ?? 0) + (fallbacks.get("global-popularity") ?? 0);
  assert.ok(degraded > 0, `no fallbacks served: ${JSON.stringify([...fallbacks])}`);
  const metrics = (await fx.app.inject({ url: "/metrics" })).body;
  assert.match(
    metrics,
    /palate_recommendations_total\{source="cached-events",fallback="cached-events"\} [1-9]/,
  );
  assert.match(
    metrics,
    /palate_feature_store_read_duration_seconds_count\{outcome="(error|timeout|circuit-open)"\} [1-9]/,
  );

  await fx.queue.drain(20_000);
  const stored = new Set<string>();
  let posted = 0;
  let cursor = "";
  for (;;) {
    const page = await fx.queue.sink.read(cursor, 5000);
    for (const e of page.events) {
      if (e.type === "impression") continue;
      stored.add(e.eventId);
      posted++;
    }
    if (page.events.length === 0) break;
    cursor = page.cursor;
  }
  assert.ok(accepted.length > 100, `only ${accepted.length} events accepted`);
  const missing = accepted.filter((id) => !stored.has(id));
  assert.equal(missing.length, 0, `${missing.length} of ${accepted.length} accepted events are not in Redis`);
  assert.equal(posted, accepted.length, "events duplicated or foreign events in the stream");
  assert.equal(stored.size, posted);
  // The outage went through the spill file, not only memory, and nothing accepted was lost.
  const metricsAfter = (await fx.app.inject({ url: "/metrics" })).body;
  const count = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(metricsAfter)?.[1]);
  assert.ok(count("palate_events_spilled_total") > 0, "events were spilled while Redis was down");
  assert.ok(count("palate_events_replayed_total") > 0, "spilled events were replayed");
  assert.equal(count("palate_events_dropped_total"), 0);
  assert.equal(count("palate_event_queue_depth"), 0);
});
