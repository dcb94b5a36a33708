import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { REDIS_SERVER_PATH, redisAvailable, TestRedis } from "../../storage/testing/redis-server.js";
import { servingFixture } from "../testing/serving-fixture.js";
import { type FullDisk, fullDisk } from "./full-disk.js";

const skip = redisAvailable() ? false : `no redis-server at ${REDIS_SERVER_PATH}`;
let redis: TestRedis;
let disk: FullDisk;
let fx: Awaited<ReturnType<typeof servingFixture>>;

before(async () => {
  if (skip) return;
  redis = await TestRedis.start();
  disk = fullDisk();
  fx = await servingFixture({ featureStore: "memory:", eventLog: redis.url, spillPath: disk.spillPath });
});
after(async () => {
  await fx?.close();
  await redis?.stop();
  disk?.cleanup();
});

/** Every event in the Redis Stream, by id, with how often it is there. */
async function streamCounts(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let cursor = ""; ; ) {
    const page = await fx.queue.sink.read(cursor, 5000);
    if (page.events.length === 0) return counts;
    for (const e of page.events) counts.set(e.eventId, (counts.get(e.eventId) ?? 0) + 1);
    cursor = page.cursor;
  }
}

const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);

test("(disk full) with the event log down and no room to spill, events are refused with 503 + Retry-After, and every accepted one arrives exactly once", {
  skip,
}, async (t) => {
  t.diagnostic(`spill path: ${disk.spillPath} (${disk.kind})`);
  await redis.kill();
  const accepted: string[] = [];
  const statuses = new Map<number, number>();
  let refusedEvents = 0;
  const batch = 1000;
  // 70,000 events against a memory queue of 50,000 with the sink down and the disk full.
  for (let r = 0; r < 70; r++) {
    const payload = Array.from({ length: batch }, (_, i) => ({
      type: "click",
      user_id: fx.model.users.idAt((r * batch + i) % fx.model.users.size),
      item_id: fx.model.catalog.ids.idAt(i % fx.model.catalog.size),
    }));
    const response = await fx.app.inject({ method: "POST", url: "/v1/events", payload });
    statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    if (response.statusCode === 202) accepted.push(...response.json().event_ids);
    if (response.statusCode === 503) {
      refusedEvents += batch;
      assert.match(String(response.headers["content-type"]), /^application\/problem\+json/);
      assert.ok(
        Number(response.headers["retry-after"]) >= 1,
        `Retry-After: ${response.headers["retry-after"]}`,
      );
      assert.match(response.json().detail, /not accepting events/);
    }
    // The queue's loop runs between requests, as it would between real clients' requests.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const seen = JSON.stringify([...statuses]);
  assert.deepEqual([...statuses.keys()].sort(), [202, 503], `only 202 and 503: ${seen}`);
  assert.ok(accepted.length >= 50_000, `memory (50,000) should fill before refusals: ${seen}`);
  assert.ok(refusedEvents > 0, seen);

  let metrics = (await fx.app.inject({ url: "/metrics" })).body;
  assert.equal(metric(metrics, "palate_events_refused_total"), refusedEvents);
  assert.equal(metric(metrics, "palate_events_accepted_total"), accepted.length);
  assert.equal(metric(metrics, "palate_events_dropped_total"), 0);
  const stats = fx.queue.stats();
  assert.equal(stats.spillWritable, false, "the spill failure is reported");
  if (disk.kind === "tmpfs") assert.ok(stats.spilled > 0, "the first batch fitted on the disk");

  await redis.restart();
  assert.equal(await fx.queue.drain(60_000), true, "everything accepted reaches Redis");
  const counts = await streamCounts();
  const missing = accepted.filter((id) => !counts.has(id));
  assert.equal(missing.length, 0, `${missing.length} of ${accepted.length} accepted events lost`);
  const duplicated = [...counts.values()].filter((n) => n > 1).length;
  assert.equal(duplicated, 0, `${duplicated} events stored more than once`);
  assert.equal(counts.size, accepted.length, "nothing refused was stored");
  metrics = (await fx.app.inject({ url: "/metrics" })).body;
  assert.equal(metric(metrics, "palate_events_dropped_total"), 0);
  assert.equal(metric(metrics, "palate_event_queue_depth"), 0);
  if (disk.kind === "tmpfs") {
    assert.equal(
      metric(metrics, "palate_events_replayed_total"),
      stats.spilled,
      "what was spilled was replayed",
    );
  }
  // With the sink back, events are taken again even though the disk is still full.
  const again = await fx.app.inject({
    method: "POST",
    url: "/v1/events",
    payload: { type: "view", user_id: fx.model.users.idAt(0), item_id: fx.model.catalog.ids.idAt(0) },
  });
  assert.equal(again.statusCode, 202, again.body);
});
