import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SqliteInteractionStore } from "../storage/interactions/sqlite-interaction-store.js";
import { openStateStore } from "../storage/state/open-state-store.js";
import { ModelRegistry } from "./registry.js";
import { RetrainRulesSchema } from "./retrain-rules.js";
import { Retrainer } from "./retrainer.js";
import { tinyArtifact } from "./testing/tiny-artifact.js";

/** A registry with a tiny champion (12 interactions up to t = 1.7e9 s) and an interaction store. */
async function setup(t: { after: (fn: () => Promise<void>) => void }, interactionsUrl?: string) {
  const dir = await mkdtemp(join(tmpdir(), "palate-retrainer-"));
  const store = await openStateStore(`sqlite:${join(dir, "state.db")}`);
  const interactions = new SqliteInteractionStore(join(dir, "interactions.db"));
  t.after(async () => {
    await store.close();
    await interactions.close();
    await rm(dir, { recursive: true, force: true });
  });
  const time = { now: 1_700_000_000_000 };
  const clock = () => time.now;
  const registry = new ModelRegistry(store, { dir, clock, experimentIds: () => "exp-1" });
  const champion = await registry.register(await tinyArtifact(join(dir, "champion"), "v-champion"), {
    actor: "test",
    reason: "first",
    champion: true,
  });
  const retrainer = new Retrainer({
    registry,
    interactions,
    interactionsUrl: interactionsUrl ?? `sqlite:${join(dir, "interactions.db")}`,
    rules: RetrainRulesSchema.parse({ enabled: true }),
    clock,
  });
  t.after(() => retrainer.stop());
  const add = (n: number, at: number) =>
    interactions.append(
      Array.from({ length: n }, (_, i) => ({ userId: `u${i}`, itemId: "i1", type: "click", timestamp: at })),
    );
  return { dir, registry, champion, retrainer, add, time };
}

test("fresh data starts nothing: no new interactions, or old ones only", async (t) => {
  const { retrainer, add } = await setup(t);
  assert.equal(await retrainer.step(), null);
  await add(5, 1_600_000_000);
  assert.equal(await retrainer.step(), null);
  assert.equal(retrainer.runner.status().state, "idle");
});

test("a retrain that fails leaves nothing registered, and the next stale check tries again", async (t) => {
  const { dir, registry, retrainer, add } = await setup(t, "nowhere:at-all");
  await add(1, 1_700_000_100);
  const started = await retrainer.step();
  assert.equal(started?.action, "started");
  assert.match(started?.reason ?? "", /1 new interactions \(8\.3% of the 12 trained on\)/);
  assert.equal(await retrainer.step(), null, "one retrain at a time");
  await retrainer.runner.settled();
  const failed = await retrainer.step();
  assert.equal(failed?.action, "failed");
  assert.match(failed?.reason ?? "", /^retrain failed: .+/);
  assert.deepEqual(
    (await registry.status()).versions.map((v) => v.version),
    ["v-champion"],
  );
  assert.equal(existsSync(join(dir, ".retrain", "model")), false);
  assert.equal((await retrainer.step())?.action, "started");
});

test("a retrain killed mid-way (the lease was lost) registers nothing", async (t) => {
  const { registry, retrainer, add } = await setup(t);
  await add(1, 1_700_000_100);
  assert.equal((await retrainer.step())?.action, "started");
  await retrainer.stop();
  assert.equal(retrainer.runner.status().state, "idle");
  assert.equal(await retrainer.step().then((r) => r?.action), "started");
  await retrainer.stop();
  assert.equal((await registry.status()).versions.length, 1);
});

test("a gate outcome registered before a crash is carried out on the next step", async (t) => {
  for (const passed of [1, 0]) {
    const { dir, registry, retrainer } = await setup(t);
    const candidate = await tinyArtifact(join(dir, "candidate"), `v-candidate-${passed}`);
    await registry.register(candidate, {
      actor: "retrain",
      reason: "retrained",
      metrics: { "gate.passed": passed, "gate.ndcg10": 0.3 },
    });
    const report = await retrainer.step();
    assert.equal(report?.action, passed ? "canary" : "rejected");
    const v = (await registry.status()).versions.find((x) => x.version === `v-candidate-${passed}`);
    assert.equal(v?.stage, passed ? "canary" : "rejected");
    assert.equal(v?.history.at(-1)?.actor, "gate");
    assert.equal(v?.history.at(-1)?.stats?.["gate.ndcg10"], 0.3);
  }
});

test("no retrain while a canary runs", async (t) => {
  const { dir, registry, retrainer, add } = await setup(t);
  await registry.register(await tinyArtifact(join(dir, "c"), "v-c"), { actor: "test", reason: "c" });
  await registry.startCanary("v-c", 10, { actor: "test", reason: "c" });
  await add(100, 1_700_000_100);
  assert.equal(await retrainer.step(), null);
});
