import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { openStateStore } from "./open-state-store.js";
import { SqliteStateStore } from "./sqlite-state-store.js";
import { runStateStoreContract } from "./state-store.contract.js";
import type { StateStore } from "./state-store.js";

const dir = mkdtempSync(join(tmpdir(), "palate-state-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// One simulated clock for every handle: leases expire when the test says so, not in real time.
let now = 1_000_000;
const clock = () => now;
let files = 0;

runStateStoreContract("sqlite", {
  // A file, not :memory:, so that a peer is a second connection to the same database.
  open: async () => new SqliteStateStore(join(dir, `state-${files++}.db`), { now: clock }),
  openPeer: async (store) => new SqliteStateStore((store as SqliteStateStore).filename, { now: clock }),
  advance: async (ms) => {
    now += ms;
  },
  leaseMs: 30_000,
  skip: false,
});

test("sqlite: the state survives closing and reopening the file", async () => {
  const file = join(dir, "reopen", "state.db");
  const first = await openStateStore(`sqlite:${file}`);
  await first.putVersion({
    version: "v1",
    dir: "/r/v1",
    stage: "candidate",
    registeredAt: 1,
    metrics: {},
    dataSnapshot: { interactions: 1, maxTimestamp: null, source: "s" },
  });
  assert.ok(
    await first.commit({
      stages: [{ version: "v1", to: "champion" }],
      experiment: { id: "e", champion: "v1", canary: null, percent: 0, startedAt: 1, paused: false },
      transitions: [{ version: "v1", from: "candidate", to: "champion", at: 1, reason: "seed", actor: "t" }],
    }),
  );
  await first.close();
  const second: StateStore = await openStateStore(`sqlite:${file}`);
  try {
    assert.equal(second.backend, "sqlite");
    assert.equal(await second.revision(), 2);
    assert.equal((await second.getVersion("v1"))?.stage, "champion");
    assert.equal((await second.getExperiment())?.champion, "v1");
    assert.equal((await second.history()).length, 1);
  } finally {
    await second.close();
  }
});

test("openStateStore: sqlite::memory: opens an empty store; unknown schemes list the supported forms", async () => {
  const store = await openStateStore("sqlite::memory:");
  assert.equal(await store.revision(), 0);
  await store.close();
  await assert.rejects(openStateStore("postgres://x"), /sqlite:PATH.*redis:\/\//);
  await assert.rejects(openStateStore("sqlite:"), /file path/);
});
