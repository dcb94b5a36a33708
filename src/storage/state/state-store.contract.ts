import assert from "node:assert/strict";
import { test } from "node:test";
import type { ModelVersionRecord, StateStore } from "./state-store.js";

const record = (version: string): ModelVersionRecord => ({
  version,
  dir: `/r/${version}`,
  stage: "candidate",
  registeredAt: 1,
  metrics: { ndcg: 0.3 },
  dataSnapshot: { interactions: 10, maxTimestamp: 5, source: "x" },
});

/**
 * The contract every state store passes. `open` gives a fresh, empty store; `expire(ms)` lets a
 * lease of `ms` lapse (advancing an injected clock, or waiting for Redis's own expiry).
 */
export function runStateStoreContract(
  name: string,
  open: () => Promise<StateStore>,
  expire: (leaseMs: number) => Promise<void>,
  options: { skip?: string | false; leaseMs?: number } = {},
): void {
  const leaseMs = options.leaseMs ?? 1000;
  const skip = options.skip ?? false;

  test(`${name}: versions round-trip in registration order; a duplicate is refused`, { skip }, async () => {
    const store = await open();
    try {
      await store.putVersion(record("b"));
      await store.putVersion(record("a"));
      await assert.rejects(store.putVersion(record("a")), /already registered/);
      assert.deepEqual(
        (await store.listVersions()).map((v) => v.version),
        ["b", "a"],
      );
      assert.deepEqual(await store.getVersion("a"), record("a"));
      assert.equal(await store.getVersion("zzz"), null);
    } finally {
      await store.close();
    }
  });

  test(`${name}: commits are atomic and revision-checked: of two racing writers exactly one wins`, {
    skip,
  }, async () => {
    const store = await open();
    try {
      await store.putVersion(record("a"));
      const revision = await store.revision();
      const change = (to: "canary" | "rejected") => ({
        expectRevision: revision,
        stages: [{ version: "a", to }],
        experiment:
          to === "canary"
            ? { id: "e", champion: "c", canary: "a", percent: 10, startedAt: 3, paused: false }
            : undefined,
        transitions: [{ version: "a", from: "candidate" as const, to, at: 2, reason: to, actor: "t" }],
      });
      const results = await Promise.all([store.commit(change("canary")), store.commit(change("rejected"))]);
      assert.deepEqual([...results].sort(), [false, true]);
      const stage = (await store.getVersion("a"))?.stage;
      const history = await store.history();
      assert.equal(history.length, 1);
      assert.equal(history[0].to, stage, "the stage and its history come from the same commit");
      assert.equal(await store.revision(), revision + 1);
      await assert.rejects(
        store.commit({ stages: [{ version: "zzz", to: "canary" }], transitions: [] }),
        /zzz/,
      );
      assert.equal(await store.revision(), revision + 1, "a failed commit changes nothing");
      assert.ok(await store.commit({ stages: [], experiment: null, transitions: [] }));
      assert.equal(await store.getExperiment(), null);
      assert.equal((await store.history(1)).length, 1);
    } finally {
      await store.close();
    }
  });

  test(`${name}: a lease is exclusive until it lapses, and only its holder may checkpoint`, {
    skip,
  }, async () => {
    const store = await open();
    try {
      assert.ok(await store.acquireLease("controller", "a", leaseMs));
      assert.ok(await store.acquireLease("controller", "a", leaseMs), "the holder renews");
      assert.equal(await store.acquireLease("controller", "b", leaseMs), false);
      assert.ok(await store.putCheckpoint("controller", "a", { cursor: "5", state: { x: 1 } }));
      assert.equal(await store.putCheckpoint("controller", "b", { cursor: "6", state: null }), false);
      await expire(leaseMs);
      assert.ok(await store.acquireLease("controller", "b", leaseMs), "a lapsed lease passes on");
      assert.equal(await store.putCheckpoint("controller", "a", { cursor: "7", state: null }), false);
      assert.deepEqual(await store.getCheckpoint("controller"), { cursor: "5", state: { x: 1 } });
      await store.releaseLease("controller", "b");
      assert.ok(await store.acquireLease("controller", "a", leaseMs));
    } finally {
      await store.close();
    }
  });
}
