import assert from "node:assert/strict";
import { test } from "node:test";
import { SqliteStateStore } from "./sqlite-state-store.js";
import type { ModelVersionRecord } from "./state-store.js";

const record = (version: string): ModelVersionRecord => ({
  version,
  dir: `/r/${version}`,
  stage: "candidate",
  registeredAt: 1,
  metrics: { ndcg: 0.3 },
  dataSnapshot: { interactions: 10, maxTimestamp: 5, source: "x" },
});

test("commits are atomic and revision-checked: of two racing writers exactly one wins", async () => {
  const store = new SqliteStateStore(":memory:");
  await store.putVersion(record("a"));
  await assert.rejects(store.putVersion(record("a")), /already registered/);
  const revision = await store.revision();
  const change = (to: "canary" | "rejected") => ({
    expectRevision: revision,
    stages: [{ version: "a", to }],
    transitions: [{ version: "a", from: "candidate" as const, to, at: 2, reason: to, actor: "t" }],
  });
  const results = await Promise.all([store.commit(change("canary")), store.commit(change("rejected"))]);
  assert.deepEqual(results.sort(), [false, true]);
  assert.equal((await store.history()).length, 1);
  assert.equal(await store.revision(), revision + 1);
  await assert.rejects(store.commit({ stages: [{ version: "zzz", to: "canary" }], transitions: [] }), /zzz/);
  assert.equal(await store.revision(), revision + 1, "a failed commit changes nothing");
});

test("a lease is exclusive until it expires, and only its owner may checkpoint", async () => {
  let now = 0;
  const store = new SqliteStateStore(":memory:", { now: () => now });
  assert.ok(await store.acquireLease("controller", "a", 1000));
  assert.equal(await store.acquireLease("controller", "b", 1000), false);
  assert.ok(await store.putCheckpoint("controller", "a", { cursor: "5", state: { x: 1 } }));
  assert.equal(await store.putCheckpoint("controller", "b", { cursor: "6", state: null }), false);
  now = 1001;
  assert.ok(await store.acquireLease("controller", "b", 1000), "an expired lease passes on");
  assert.equal(await store.putCheckpoint("controller", "a", { cursor: "7", state: null }), false);
  assert.deepEqual(await store.getCheckpoint("controller"), { cursor: "5", state: { x: 1 } });
});
