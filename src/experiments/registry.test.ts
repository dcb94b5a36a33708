import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { readArtifact } from "../models/artifact/artifact-reader.js";
import { SqliteStateStore } from "../storage/state/sqlite-state-store.js";
import type { RegistryChange, StateStore } from "../storage/state/state-store.js";
import { ModelRegistry } from "./registry.js";
import type { RegistryError } from "./registry-rules.js";
import { tinyArtifact } from "./testing/tiny-artifact.js";

let dir: string;
let store: SqliteStateStore;
let registry: ModelRegistry;
let now: number;
const cli = (reason = "test") => ({ actor: "cli", reason });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-registry-"));
  now = 1_000;
  store = new SqliteStateStore(join(dir, "registry", "state.db"));
  registry = new ModelRegistry(store, { dir: join(dir, "registry"), clock: () => now });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** Registers a tiny version named `version` (as champion when asked). */
async function add(version: string, champion = false) {
  return registry.register(await tinyArtifact(join(dir, "trained", version), version), {
    ...cli(),
    champion,
  });
}

const stageOf = async (version: string) => (await store.getVersion(version))?.stage;

test("register copies the version in atomically and records a candidate with its metrics and snapshot", async () => {
  const source = await tinyArtifact(join(dir, "trained", "v1"), "v1", {
    coverage: 0.5,
    byBucket: { cold: 0.1, hot: [0.3] },
    note: "text is not a metric",
  });
  now = 5_000;
  const record = await registry.register(source, { ...cli("first"), stats: { ndcg10: 0.2 } });
  const target = join(dir, "registry", "versions", "v1");
  assert.deepEqual(record, {
    version: "v1",
    dir: target,
    stage: "candidate",
    registeredAt: 5_000,
    metrics: { coverage: 0.5, "byBucket.cold": 0.1, "byBucket.hot.0": 0.3 },
    dataSnapshot: { interactions: 12, maxTimestamp: 1_700_000_000, source: "test" },
  });
  assert.deepEqual(await readdir(join(dir, "registry", "versions")), ["v1"], "no temporary copy is left");
  await rm(source, { recursive: true });
  assert.equal((await readArtifact(target)).manifest.version, "v1", "the registry owns its copy");
  assert.deepEqual(await store.history(), [
    {
      version: "v1",
      from: null,
      to: "candidate",
      at: 5_000,
      actor: "cli",
      reason: "first",
      stats: { ndcg10: 0.2 },
    },
  ]);
  await assert.rejects(add("v1"), /version v1 is already registered \(candidate\)/);
});

test("a corrupt artifact or an unsafe version name is refused before anything is copied", async () => {
  const source = await tinyArtifact(join(dir, "trained", "bad"), "bad");
  const matrix = join(source, "scores.f32");
  const bytes = await readFile(matrix);
  bytes[0] ^= 0xff;
  await writeFile(matrix, bytes);
  await assert.rejects(
    registry.register(source, cli()),
    (error: RegistryError) =>
      error.kind === "invalid" && /cannot register .*checksum mismatch/.test(error.message),
  );
  await assert.rejects(registry.register(join(dir, "nowhere"), cli()), /cannot register .*manifest/);
  const sneaky = await tinyArtifact(join(dir, "trained", "sneaky"), "../../escape");
  await assert.rejects(registry.register(sneaky, cli()), /not a plain name/);
  assert.equal(existsSync(join(dir, "registry", "versions")), false);
  assert.deepEqual(await store.listVersions(), []);
});

test("a copy left in versions/ by an interrupted registration is reused if identical, refused if not", async () => {
  await tinyArtifact(join(dir, "registry", "versions", "v1"), "v1");
  assert.equal((await add("v1")).dir, join(dir, "registry", "versions", "v1"));
  await tinyArtifact(join(dir, "registry", "versions", "v2"), "v2", {}, [0.5]);
  await assert.rejects(add("v2"), /versions\/v2 already exists and holds a different artifact/);
  assert.equal(await store.getVersion("v2"), null);
});

test("only a registry without a champion takes one directly; later versions earn it through a canary", async () => {
  const first = await add("v1", true);
  assert.equal(first.stage, "champion");
  const experiment = await store.getExperiment();
  assert.equal(experiment?.champion, "v1");
  assert.equal(experiment?.canary, null);
  assert.deepEqual(
    (await store.history()).map((t) => [t.from, t.to]),
    [
      [null, "candidate"],
      ["candidate", "champion"],
    ],
  );
  await assert.rejects(add("v2", true), /cannot make v2 the champion: v1 is the champion already/);
  assert.equal(await store.getVersion("v2"), null, "a refused registration leaves nothing behind");
  assert.equal(existsSync(join(dir, "registry", "versions", "v2")), false);
});

test("a canary starts beside the champion, one at a time, and promotion retires the old champion", async () => {
  await add("v1");
  await assert.rejects(registry.startCanary("v1", 10, cli()), /no champion to compare it with/);
  await registry.promote("v1", cli("bootstrap"));
  assert.equal(await stageOf("v1"), "champion", "with no champion at all, a candidate may be promoted");
  await add("v2");
  await add("v3");
  await assert.rejects(registry.startCanary("v2", 0, cli()), /percent must be in \(0, 100\]/);
  now = 7_000;
  const started = await registry.startCanary("v2", 10, cli("try it"));
  assert.deepEqual(await store.getExperiment(), started);
  assert.deepEqual(
    { ...started, id: "" },
    { id: "", champion: "v1", canary: "v2", percent: 10, startedAt: 7_000, paused: false },
  );
  await assert.rejects(registry.startCanary("v3", 10, cli()), /v2 is already the canary/);
  await assert.rejects(
    registry.promote("v3", cli()),
    /cannot promote version v3: it is candidate, not canary/,
  );
  now = 9_000;
  await registry.promote("v2", { ...cli("better"), stats: { ctr: 0.1 } });
  assert.equal(await stageOf("v1"), "retired");
  assert.equal(await stageOf("v2"), "champion");
  const after = await store.getExperiment();
  assert.equal(after?.champion, "v2");
  assert.equal(after?.canary, null);
  const last = (await store.history(2)).map((t) => [t.version, t.from, t.to, t.reason, t.at]);
  assert.deepEqual(last, [
    ["v1", "champion", "retired", "replaced by v2: better", 9_000],
    ["v2", "canary", "champion", "better", 9_000],
  ]);
  // A retired champion may come back through a canary (undoing a bad promotion).
  await registry.startCanary("v1", 50, cli("bring it back"));
  assert.equal(await stageOf("v1"), "canary");
});

test("rollback ends the canary and keeps the champion; reject retires a candidate; illegal moves say why", async () => {
  await add("v1", true);
  await add("v2");
  await add("v3");
  const started = await registry.startCanary("v2", 10, cli());
  await assert.rejects(
    registry.rollback("v1", cli()),
    /cannot roll back version v1: it is champion, not canary/,
  );
  await assert.rejects(registry.reject("v2", cli()), /cannot reject version v2: it is canary, not candidate/);
  await registry.rollback("v2", { ...cli("worse CTR"), stats: { p: 0.001 } });
  assert.equal(await stageOf("v2"), "rolled-back");
  assert.deepEqual(await store.getExperiment(), { ...started, canary: null, percent: 0 });
  await assert.rejects(
    registry.startCanary("v2", 10, cli()),
    /cannot start a canary of version v2: it is rolled-back, not candidate or retired/,
  );
  await registry.reject("v3", { actor: "gate", reason: "nDCG@10 below the champion's" });
  assert.equal(await stageOf("v3"), "rejected");
  await assert.rejects(
    registry.promote("nope", cli()),
    (error: RegistryError) =>
      error.kind === "not-found" && /version nope is not registered/.test(error.message),
  );
  const status = await registry.status();
  assert.deepEqual(
    status.versions.map((v) => [v.version, v.stage, v.history.map((t) => t.to)]),
    [
      ["v1", "champion", ["candidate", "champion"]],
      ["v2", "rolled-back", ["candidate", "canary", "rolled-back"]],
      ["v3", "rejected", ["candidate", "rejected"]],
    ],
  );
  assert.equal(status.revision, await store.revision());
});

test("pause and resume the canary, noted in its history", async () => {
  await add("v1", true);
  await assert.rejects(registry.pause(cli()), /cannot pause: no canary is running/);
  await add("v2");
  await registry.startCanary("v2", 20, cli());
  await registry.pause(cli("investigating"));
  assert.equal((await store.getExperiment())?.paused, true);
  const revision = await store.revision();
  await registry.pause(cli("again"));
  assert.equal(await store.revision(), revision, "pausing a paused canary changes nothing");
  await registry.resume(cli("fine"));
  assert.equal((await store.getExperiment())?.paused, false);
  assert.deepEqual(
    (await store.history(2)).map((t) => [t.from, t.to, t.reason]),
    [
      ["canary", "canary", "paused: investigating"],
      ["canary", "canary", "resumed: fine"],
    ],
  );
});

test("two controllers promoting and rolling back the same canary: exactly one wins, the other is told why", async () => {
  await add("v1", true);
  await add("v2");
  await registry.startCanary("v2", 10, cli());
  const peer = new SqliteStateStore(store.filename);
  try {
    const other = new ModelRegistry(peer, { dir: registry.dir, clock: () => now });
    const results = await Promise.allSettled([
      registry.promote("v2", { actor: "controller", reason: "a" }),
      other.rollback("v2", { actor: "admin", reason: "b" }),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
    const loser = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    assert.match(loser.reason.message, /version v2: it is (champion|rolled-back)/);
    const decided = (await store.history()).filter((t) => t.version === "v2" && t.from === "canary");
    assert.equal(decided.length, 1, "one decision in the history");
    assert.equal(await stageOf("v2"), decided[0].to);
  } finally {
    await peer.close();
  }
});

test("a stale revision is retried once after re-reading; a registry that keeps changing is an error", async () => {
  await add("v1", true);
  await add("v2");
  // A store whose next `writes` commits each lose a race against an unrelated write.
  const racing = (writes: number): StateStore =>
    new Proxy(store, {
      get(target, property, receiver) {
        if (property !== "commit") {
          const value = Reflect.get(target, property, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        }
        return async (change: RegistryChange) => {
          if (writes-- > 0) await target.commit({ stages: [], transitions: [] });
          return target.commit(change);
        };
      },
    });
  const once = new ModelRegistry(racing(1), { dir: registry.dir });
  await once.startCanary("v2", 10, cli());
  assert.equal(await stageOf("v2"), "canary");
  const always = new ModelRegistry(racing(2), { dir: registry.dir });
  await assert.rejects(always.promote("v2", cli()), /could not promote v2: the registry changed twice/);
  assert.equal(await stageOf("v2"), "canary", "nothing was changed");
});
