import assert from "node:assert/strict";
import { test } from "node:test";
import type {
  ExperimentState,
  ModelVersionRecord,
  RegistryChange,
  Stage,
  StateStore,
} from "./state-store.js";

/** How the contract reaches one backend. */
export interface StateStoreHarness {
  /** A fresh, empty store. */
  open(): Promise<StateStore>;
  /** A second handle on the same state as `store`, as another process (a second controller) would open it. */
  openPeer(store: StateStore): Promise<StateStore>;
  /** Lets `ms` of lease time pass: advances an injected clock, or waits for Redis's own expiry. */
  advance(ms: number): Promise<void>;
  /** The lease ttl the lease tests use (real time for Redis, so short). */
  leaseMs: number;
  /** A reason to skip (the backend is not available here), or false. */
  skip: string | false;
}

const record = (version: string, extra: Partial<ModelVersionRecord> = {}): ModelVersionRecord => ({
  version,
  dir: `/registry/versions/${version}`,
  stage: "candidate",
  registeredAt: 1_712_345_678_901,
  metrics: { ndcg10: 0.12345678901234568, coverage: 0.5 },
  dataSnapshot: { interactions: 10, maxTimestamp: 1_712_345_678.25, source: "city" },
  ...extra,
});

const experiment = (canary: string | null): ExperimentState => ({
  id: `e-${canary}`,
  champion: "c",
  canary,
  percent: canary ? 10 : 0,
  startedAt: 3,
  paused: false,
});

const move = (version: string, from: Stage, to: Stage, expectRevision?: number): RegistryChange => ({
  expectRevision,
  stages: [{ version, to }],
  transitions: [{ version, from, to, at: 2, reason: `${from} → ${to}`, actor: "test", stats: { n: 1 } }],
});

/** The contract every state store backend passes (blueprint: "Stores"). */
export function runStateStoreContract(name: string, harness: StateStoreHarness): void {
  const { skip, leaseMs } = harness;
  /** Runs `body` on a fresh store and always closes it. */
  const withStore = (body: (store: StateStore) => Promise<void>) => async () => {
    const store = await harness.open();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };

  test(
    `${name}: versions round-trip exactly, in registration order; a duplicate is refused`,
    { skip },
    withStore(async (store) => {
      const plain = record("b", {
        metrics: {},
        dataSnapshot: { interactions: 0, maxTimestamp: null, source: "" },
      });
      await store.putVersion(plain);
      await store.putVersion(record("a"));
      assert.equal(await store.revision(), 2, "every write bumps the revision");
      await assert.rejects(store.putVersion(record("a", { dir: "/elsewhere" })), /a is already registered/);
      assert.equal(await store.revision(), 2);
      assert.deepEqual(
        (await store.listVersions()).map((v) => v.version),
        ["b", "a"],
      );
      assert.deepEqual(await store.getVersion("a"), record("a"));
      assert.equal(await store.getVersion("zzz"), null);
      assert.ok(await store.commit(move("b", "candidate", "rejected")));
      assert.deepEqual(
        await store.getVersion("b"),
        { ...plain, stage: "rejected" },
        "a stage change keeps the record intact",
      );
      assert.deepEqual(
        (await store.listVersions()).map((v) => v.stage),
        ["rejected", "candidate"],
      );
    }),
  );

  test(
    `${name}: a commit can register a version with its first transitions, all or nothing`,
    { skip },
    withStore(async (store) => {
      const entered = move("a", "candidate", "champion").transitions[0];
      const change: RegistryChange = {
        expectRevision: 0,
        register: record("a"),
        stages: [{ version: "a", to: "champion" }],
        experiment: experiment(null),
        transitions: [{ ...entered, from: null, to: "candidate" }, entered],
      };
      assert.ok(await store.commit(change));
      assert.equal(await store.revision(), 1, "one commit, one revision");
      assert.deepEqual(await store.getVersion("a"), record("a", { stage: "champion" }));
      assert.deepEqual(
        (await store.history()).map((t) => t.to),
        ["candidate", "champion"],
      );
      assert.equal(await store.commit({ ...change, expectRevision: 0, register: record("b") }), false);
      assert.equal(await store.getVersion("b"), null, "a stale commit registers nothing");
      await assert.rejects(store.commit({ ...change, expectRevision: undefined }), /a is already registered/);
      assert.equal(await store.revision(), 1, "a refused registration changes nothing");
      assert.equal((await store.history()).length, 2);
      assert.deepEqual(
        (await store.listVersions()).map((v) => v.version),
        ["a"],
      );
    }),
  );

  test(
    `${name}: a commit applies stages, experiment and transitions together and bumps the revision once`,
    { skip },
    withStore(async (store) => {
      for (const v of ["a", "c"]) await store.putVersion(record(v));
      assert.equal(await store.getExperiment(), null);
      const before = await store.revision();
      assert.ok(
        await store.commit({
          expectRevision: before,
          stages: [
            { version: "c", to: "champion" },
            { version: "a", to: "canary" },
          ],
          experiment: experiment("a"),
          transitions: move("c", "candidate", "champion").transitions.concat(
            move("a", "candidate", "canary").transitions,
          ),
        }),
      );
      assert.equal(await store.revision(), before + 1);
      assert.equal((await store.getVersion("c"))?.stage, "champion");
      assert.equal((await store.getVersion("a"))?.stage, "canary");
      assert.deepEqual(await store.getExperiment(), experiment("a"));
      assert.deepEqual(
        (await store.history()).map((t) => [t.version, t.to]),
        [
          ["c", "champion"],
          ["a", "canary"],
        ],
      );
      assert.deepEqual((await store.history())[0].stats, { n: 1 }, "the numbers behind a decision are kept");

      assert.ok(await store.commit({ stages: [], transitions: [] }), "an undefined experiment is left alone");
      assert.deepEqual(await store.getExperiment(), experiment("a"));
      assert.ok(await store.commit({ stages: [], experiment: null, transitions: [] }));
      assert.equal(await store.getExperiment(), null, "null clears the experiment");

      const at = await store.revision();
      const bad: RegistryChange = {
        stages: [
          { version: "a", to: "champion" },
          { version: "zzz", to: "canary" },
        ],
        experiment: experiment("zzz"),
        transitions: move("zzz", "candidate", "canary").transitions,
      };
      await assert.rejects(store.commit(bad), /zzz/);
      assert.equal(await store.revision(), at, "a failed commit changes nothing");
      assert.equal((await store.getVersion("a"))?.stage, "canary");
      assert.equal(await store.getExperiment(), null);
      assert.equal((await store.history()).length, 2);
    }),
  );

  test(
    `${name}: a stale expectRevision changes nothing and returns false`,
    { skip },
    withStore(async (store) => {
      await store.putVersion(record("a"));
      const seen = await store.revision();
      await store.putVersion(record("b"));
      assert.equal(
        await store.commit({ ...move("a", "candidate", "canary", seen), experiment: experiment("a") }),
        false,
      );
      assert.equal(await store.revision(), seen + 1);
      assert.equal((await store.getVersion("a"))?.stage, "candidate");
      assert.equal(await store.getExperiment(), null);
      assert.deepEqual(await store.history(), []);
      assert.ok(
        await store.commit(move("a", "candidate", "canary", seen + 1)),
        "the current revision applies",
      );
    }),
  );

  test(
    `${name}: of two controllers committing at the same revision, exactly one wins`,
    { skip },
    withStore(async (store) => {
      const peer = await harness.openPeer(store);
      try {
        await store.putVersion(record("a"));
        const revision = await peer.revision();
        assert.equal(revision, await store.revision(), "the peer sees the same state");
        const results = await Promise.all([
          store.commit({ ...move("a", "candidate", "canary", revision), experiment: experiment("a") }),
          peer.commit(move("a", "candidate", "rejected", revision)),
        ]);
        assert.deepEqual([...results].sort(), [false, true]);
        const winner: Stage = results[0] ? "canary" : "rejected";
        for (const reader of [store, peer]) {
          assert.equal((await reader.getVersion("a"))?.stage, winner);
          assert.deepEqual(
            (await reader.history()).map((t) => t.to),
            [winner],
            "only the winner's history",
          );
          assert.deepEqual(await reader.getExperiment(), winner === "canary" ? experiment("a") : null);
          assert.equal(await reader.revision(), revision + 1);
        }
      } finally {
        await peer.close();
      }
    }),
  );

  test(
    `${name}: history is oldest first; a limit keeps the latest`,
    { skip },
    withStore(async (store) => {
      await store.putVersion(record("a"));
      const path: Stage[] = ["candidate", "canary", "champion", "retired"];
      for (let i = 1; i < path.length; i++) assert.ok(await store.commit(move("a", path[i - 1], path[i])));
      assert.deepEqual(
        (await store.history()).map((t) => t.to),
        ["canary", "champion", "retired"],
      );
      assert.deepEqual(
        (await store.history(2)).map((t) => t.to),
        ["champion", "retired"],
      );
      assert.deepEqual(
        (await store.history(10)).map((t) => t.to),
        ["canary", "champion", "retired"],
      );
      assert.deepEqual(await store.history(0), []);
    }),
  );

  test(
    `${name}: a lease is exclusive, renewable by its holder, lapses after its ttl and can be released`,
    { skip },
    withStore(async (store) => {
      const peer = await harness.openPeer(store);
      try {
        assert.ok(await store.acquireLease("controller", "a", leaseMs));
        assert.equal(
          await peer.acquireLease("controller", "b", leaseMs),
          false,
          "held, even seen from another handle",
        );
        assert.ok(await store.acquireLease("other", "b", leaseMs), "leases are independent by name");
        await harness.advance(leaseMs * 0.6);
        assert.ok(await store.acquireLease("controller", "a", leaseMs), "the holder renews");
        await harness.advance(leaseMs * 0.6);
        assert.equal(await peer.acquireLease("controller", "b", leaseMs), false, "a renewal extends the ttl");
        await harness.advance(leaseMs + 50);
        assert.ok(await peer.acquireLease("controller", "b", leaseMs), "a lapsed lease passes on");
        assert.equal(await store.acquireLease("controller", "a", leaseMs), false);
        await store.releaseLease("controller", "a");
        assert.equal(await store.acquireLease("controller", "a", leaseMs), false, "only the holder releases");
        await peer.releaseLease("controller", "b");
        assert.ok(await store.acquireLease("controller", "a", leaseMs), "a released lease is free at once");
        await assert.rejects(store.acquireLease("controller", "a", 0), /ttl/);
      } finally {
        await peer.close();
      }
    }),
  );

  test(
    `${name}: only the lease holder may store a checkpoint, which outlives the lease`,
    { skip },
    withStore(async (store) => {
      assert.equal(await store.getCheckpoint("controller"), null);
      assert.equal(
        await store.putCheckpoint("controller", "a", { cursor: "1", state: null }),
        false,
        "no lease, no write",
      );
      assert.ok(await store.acquireLease("controller", "a", leaseMs));
      const state = { experimentId: "e", counts: [1, 2.5], nested: { ok: true } };
      assert.ok(await store.putCheckpoint("controller", "a", { cursor: "5-0", state }));
      assert.equal(await store.putCheckpoint("controller", "b", { cursor: "6-0", state: null }), false);
      assert.deepEqual(await store.getCheckpoint("controller"), { cursor: "5-0", state });
      await harness.advance(leaseMs + 50);
      assert.equal(
        await store.putCheckpoint("controller", "a", { cursor: "7-0", state: null }),
        false,
        "a lapsed holder is refused",
      );
      assert.ok(await store.acquireLease("controller", "b", leaseMs));
      assert.deepEqual(
        await store.getCheckpoint("controller"),
        { cursor: "5-0", state },
        "the successor resumes here",
      );
      assert.ok(await store.putCheckpoint("controller", "b", { cursor: "8-0", state: 1 }));
      assert.deepEqual(await store.getCheckpoint("controller"), { cursor: "8-0", state: 1 });
    }),
  );
}
