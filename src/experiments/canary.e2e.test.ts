import assert from "node:assert/strict";
import { after, test } from "node:test";
import { Random } from "../math/random.js";
import { trainedCityModel } from "../server/testing/serving-fixture.js";
import { injectApi, visit } from "../simulation/city-visit.js";
import { catalogFacts } from "./catalog-facts.js";
import { Controller } from "./controller.js";
import { DecisionRulesSchema } from "./decision.js";
import { marginModel, popularityOnlyModel } from "./testing/canary-fixture.js";
import { testRegistry, testServing } from "./testing/test-registry.js";

const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const step of cleanup.reverse()) await step();
});

test("a canary that ranks by margin is rolled back automatically; the champion keeps serving", async () => {
  const { modelDir } = await trainedCityModel();
  const { registry, champion, canary, run, serving, world, time } = await experiment(
    modelDir,
    await marginModel(),
    {},
  );
  const decision = await run(6000, new Random(11));
  assert.equal(decision.action, "rollback", `no rollback: ${decision.reason}`);
  const status = await registry.status();
  const bad = status.versions.find((v) => v.version === canary.version);
  assert.equal(bad?.stage, "rolled-back");
  const why = bad?.history.at(-1);
  assert.equal(why?.actor, "controller");
  assert.ok(why?.stats && Object.keys(why.stats).length > 0, "the decision's statistics are in the history");
  assert.match(why?.reason ?? "", /\d/);
  assert.equal(status.versions.find((v) => v.version === champion.version)?.stage, "champion");

  // Every replica follows the registry: after the next poll, everyone gets the champion.
  await serving.syncRegistry();
  const rng = new Random(12);
  for (let n = 0; n < 40; n++) {
    const v = await visit(injectApi(serving.app), world, rng, time.now / 1000);
    assert.equal(v.variant, "champion");
    assert.equal(v.modelVersion, champion.version);
  }
  console.log(`rolled back after ${decision.visits} visits: ${why?.reason}`);
});

/** A registry with a champion and a running canary, a server over it and an in-process controller. */
async function experiment(championDir: string, canaryDir: string, rules: Record<string, unknown>) {
  const { world, registryDir, time, clock, store, registry } = await testRegistry("canary", cleanup);
  const champion = await registry.register(championDir, {
    actor: "test",
    reason: "first version",
    champion: true,
  });
  const canary = await registry.register(canaryDir, { actor: "test", reason: "candidate" });
  await registry.startCanary(canary.version, 50, { actor: "test", reason: "try it" });
  const { serving, items } = await testServing(registryDir, clock, cleanup);
  const controller = new Controller({
    store,
    registry,
    sink: serving.queue.sink,
    clock,
    owner: "test-controller",
    rules: DecisionRulesSchema.parse(rules),
    catalog: catalogFacts(Array.from({ length: items.size }, (_, i) => items.metadata(i))),
  });
  /** Runs visits (a simulated minute each), ticking the controller every 250, until a decision or the end. */
  const run = async (visits: number, rng: Random) => {
    for (let n = 1; n <= visits; n++) {
      await visit(injectApi(serving.app), world, rng, time.now / 1000);
      time.now += 60_000;
      if (n % 250 === 0) {
        await serving.queue.drain(5000);
        const report = await controller.tick();
        if (report.decision && report.decision.action !== "continue")
          return { ...report.decision, visits: n };
      }
    }
    const last = await controller.tick();
    return {
      action: "continue" as const,
      visits,
      reason: last.decision?.reason ?? "",
      version: canary.version,
    };
  };
  return { registry, champion, canary, run, serving, world, time };
}

// Promotion needs the minimum duration: one simulated day here (1,440 visits), seven by default.
const SHORT = { minDurationMs: 86_400_000, minImpressions: 300 };

test("a canary that holds its metrics is promoted after the minimum duration, not before", async () => {
  const { registry, canary, run } = await experiment(
    await popularityOnlyModel(),
    (await trainedCityModel()).modelDir,
    SHORT,
  );
  const decision = await run(3000, new Random(5));
  assert.equal(decision.action, "promote", decision.reason);
  assert.ok(decision.visits >= 1440, `promoted after ${decision.visits} visits, before one simulated day`);
  const status = await registry.status();
  assert.equal(status.versions.find((v) => v.version === canary.version)?.stage, "champion");
});

test("a neutral canary is neither rolled back nor promoted before the minimum duration", async () => {
  const { registry, canary, run } = await experiment(
    await popularityOnlyModel(),
    await popularityOnlyModel(),
    SHORT,
  );
  const decision = await run(1400, new Random(6));
  assert.equal(decision.action, "continue", decision.reason);
  assert.equal((await registry.status()).versions.find((v) => v.version === canary.version)?.stage, "canary");
});
