import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openEventSink } from "../storage/events/open-event-sink.js";
import { RedisEventSink } from "../storage/events/redis-event-sink.js";
import { makeEvents } from "../storage/events/testing/make-events.js";
import { openInteractionStore } from "../storage/interactions/open-interaction-store.js";
import { openStateStore } from "../storage/state/open-state-store.js";
import { REDIS_SERVER_PATH, redisAvailable, TestRedis } from "../storage/testing/redis-server.js";
import { Controller } from "./controller.js";
import { DecisionRulesSchema } from "./decision.js";
import { ModelRegistry } from "./registry.js";
import { EVENT_LOG_SOURCE } from "./retrain-ingest.js";
import { tinyArtifact } from "./testing/tiny-artifact.js";

// The Redis event log is shared by every replica and grows by every list served; with
// `trimEventLog` the controller drops what both of its readers (its checkpoint and the ingest
// into the interaction store) have committed, and nothing else.

const skip = redisAvailable() ? false : `no redis-server at ${REDIS_SERVER_PATH}; set REDIS_SERVER to run`;
const cleanup: (() => Promise<void>)[] = [];
let redis: TestRedis | null = null;
before(async () => {
  if (!skip) redis = await TestRedis.start();
});
after(async () => {
  for (const step of cleanup.reverse()) await step();
  await redis?.stop();
});

const catalog = { marginOf: () => undefined, categoryOf: () => undefined, size: 10 };

async function deployment(options: { trim: boolean; owner?: string; dir?: string }) {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "palate-controller-trim-")));
  if (!options.dir) cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const store = await openStateStore(`sqlite:${join(dir, "state.db")}`);
  cleanup.push(() => store.close());
  const registry = new ModelRegistry(store, { dir, clock: () => 0 });
  if (!options.dir)
    await registry.register(await tinyArtifact(join(dir, "trained", "v1"), "v1"), {
      actor: "test",
      reason: "seed",
      champion: true,
    });
  const sink = await openEventSink(redis!.url, { redis: { keyPrefix: `trim:${process.pid}:${dir}` } });
  cleanup.push(() => sink.close());
  assert.ok(sink instanceof RedisEventSink);
  const interactions = await openInteractionStore(`sqlite:${join(dir, "interactions.db")}`);
  cleanup.push(() => interactions.close());
  const controller = new Controller({
    store,
    registry,
    sink,
    clock: () => 0,
    owner: options.owner ?? "controller-a",
    rules: DecisionRulesSchema.parse({}),
    catalog,
    interactions,
    trimEventLog: options.trim,
    leaseMs: 60_000,
  });
  return { dir, sink, interactions, controller };
}

test("the leader trims the event log through what it and the ingest committed, and no further", {
  skip,
}, async () => {
  const { dir, sink, interactions, controller } = await deployment({ trim: true });
  await sink.append(makeEvents(20));
  const first = await controller.tick();
  assert.equal(first.leader, true);
  assert.equal(first.trimmed, 20);
  assert.equal(await sink.count(), 0);
  // Nothing was lost on the way: every event is an interaction now, and the position is kept.
  assert.equal(await interactions.count(), 20);
  assert.ok((await interactions.positionOf(EVENT_LOG_SOURCE)) !== null);

  // Later events go the same way; a tick with nothing new drops nothing.
  await sink.append(makeEvents(5, "p", 20));
  assert.equal((await controller.tick()).trimmed, 5);
  assert.equal((await controller.tick()).trimmed, 0);
  assert.equal(await interactions.count(), 25);

  // A second controller on the same deployment is a follower: it reads nothing and trims nothing.
  await sink.append(makeEvents(4, "p", 25));
  const follower = await deployment({ trim: true, owner: "controller-b", dir });
  const idle = await follower.controller.tick();
  assert.equal(idle.leader, false);
  assert.equal(idle.trimmed, undefined);
  assert.equal(await sink.count(), 4);
});

test("without trimEventLog the stream is left whole", { skip }, async () => {
  const { sink, interactions, controller } = await deployment({ trim: false });
  await sink.append(makeEvents(12));
  const report = await controller.tick();
  assert.equal(report.trimmed, undefined);
  assert.equal(await sink.count(), 12);
  assert.equal(await interactions.count(), 12);
});
