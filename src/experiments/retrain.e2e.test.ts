import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadDataset } from "../data/load-dataset.js";
import { Random } from "../math/random.js";
import { injectApi, visit } from "../simulation/city-visit.js";
import { appendDataset } from "../storage/interactions/append-dataset.js";
import { SqliteInteractionStore } from "../storage/interactions/sqlite-interaction-store.js";
import { catalogFacts } from "./catalog-facts.js";
import { Controller, type TickReport } from "./controller.js";
import { ControllerRulesSchema, splitControllerRules } from "./retrain-rules.js";
import { Retrainer } from "./retrainer.js";
import { testRegistry, testServing } from "./testing/test-registry.js";

const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const step of cleanup.reverse()) await step();
});

/** The fixture champion's own part options, so a retrain differs from it only by its data. */
const TRAINING = {
  als: { factors: 8, iterations: 4 },
  cleora: { dimensions: 16 },
  validation: { maxUsersPerBucket: 40 },
};
// Promotion after one simulated day (1,440 visits), as in the canary tests; a 50% canary so that
// both variants gather their minimum impressions within that day.
const SHORT = { minDurationMs: 86_400_000, minImpressions: 300 };

/**
 * The whole loop with no manual step: a registry whose champion is the fixture hybrid (trained on
 * the city's 21 days of history), a server over it, the city's history in an interaction store, a
 * controller ingesting the event log with retraining on, and simulated visits on a fake clock.
 */
async function deployment(retrain: Record<string, unknown>) {
  const {
    cityDir: dir,
    modelDir,
    world,
    registryDir,
    time,
    clock,
    store,
    registry,
  } = await testRegistry("retrain", cleanup);
  const champion = await registry.register(modelDir, { actor: "test", reason: "first", champion: true });

  // The interaction store starts with what the champion was trained on.
  const interactionsPath = join(registryDir, "interactions.db");
  const interactions = new SqliteInteractionStore(interactionsPath);
  cleanup.push(() => interactions.close());
  const { dataset } = await loadDataset({ kind: "dataset", name: "city", path: join(dir, "city") });
  await appendDataset(interactions, dataset);
  assert.equal(await interactions.count(), champion.dataSnapshot.interactions);

  const { serving, items } = await testServing(registryDir, clock, cleanup);
  const rules = splitControllerRules(ControllerRulesSchema.parse({ ...SHORT, retrain }));
  const retrainer = new Retrainer({
    registry,
    interactions,
    interactionsUrl: `sqlite:${interactionsPath}`,
    rules: rules.retrain,
    clock,
  });
  const controller = new Controller({
    store,
    registry,
    sink: serving.queue.sink,
    clock,
    owner: "test-controller",
    rules: rules.decision,
    catalog: catalogFacts(Array.from({ length: items.size }, (_, i) => items.metadata(i))),
    interactions,
    retrainer,
  });
  /** Every tick's report with the number of visits made when it ran. */
  const reports: (TickReport & { visits: number })[] = [];
  let visitsMade = 0;
  /**
   * One tick, as the running controller would do it. A started retrain runs in its child process
   * on real time; the test waits for it and ticks again at once, so that when its outcome lands
   * (in simulated time) does not depend on how fast this machine trains.
   */
  const tick = async () => {
    await serving.queue.drain(5000);
    let report = await controller.tick();
    reports.push({ ...report, visits: visitsMade });
    if (report.retrain?.action === "started") {
      await retrainer.runner.settled();
      report = await controller.tick();
      reports.push({ ...report, visits: visitsMade });
    }
    await serving.syncRegistry();
    return report;
  };
  /** Visits (a simulated minute each) with a tick every 50, until `done` or the end. */
  const run = async (visits: number, rng: Random, done: (r: TickReport) => boolean) => {
    for (let n = 1; n <= visits; n++) {
      await visit(injectApi(serving.app), world, rng, time.now / 1000);
      visitsMade = n;
      time.now += 60_000;
      if (n % 50 === 0 && done(await tick())) return n;
    }
    return visits;
  };
  return { registry, champion, run, reports, interactions };
}

test("stale data triggers a retrain that passes the gate, runs as a canary and is promoted, with no manual step", async () => {
  const { registry, champion, run, reports, interactions } = await deployment({
    enabled: true,
    training: TRAINING,
    canaryPercent: 50,
  });
  const visits = await run(6000, new Random(21), (r) => r.decision?.action === "promote");
  const started = reports.find((r) => r.retrain?.action === "started");
  const canary = reports.find((r) => r.retrain?.action === "canary");
  assert.ok(started, "no retrain started");
  // Ticks before it found the data fresh: the retrain started at the first one over 5% new data.
  const before = reports.slice(0, reports.indexOf(started));
  assert.ok(
    before.length > 0 && before.every((r) => r.leader && r.retrain === undefined && (r.ingested ?? 0) > 0),
  );
  assert.match(
    started.retrain?.reason ?? "",
    /new interactions \((5|6|7|8|9)\.\d% of the \d+ trained on\) ≥ 5\.0%/,
  );
  assert.ok(
    canary?.retrain?.version,
    `the retrain did not reach a canary: ${JSON.stringify(reports.map((r) => r.retrain))}`,
  );
  const promoted = reports.find((r) => r.decision?.action === "promote");
  assert.equal(promoted?.decision?.version, canary.retrain.version, `not promoted after ${visits} visits`);

  const status = await registry.status();
  const fresh = status.versions.find((v) => v.version === canary.retrain?.version);
  assert.equal(fresh?.stage, "champion");
  assert.equal(status.versions.find((v) => v.version === champion.version)?.stage, "retired");
  assert.deepEqual(
    fresh?.history.map((h) => [h.from, h.to, h.actor]),
    [
      [null, "candidate", "retrain"],
      ["candidate", "canary", "gate"],
      ["canary", "champion", "controller"],
    ],
  );
  // The candidate was trained on more data than the champion: history plus ingested events.
  assert.ok((fresh?.dataSnapshot.interactions ?? 0) > champion.dataSnapshot.interactions);
  assert.ok((await interactions.count()) > champion.dataSnapshot.interactions * 1.05);
  const gate = fresh?.history[1].stats as Record<string, number>;
  assert.ok(gate.candidateNdcg >= gate.championNdcg * (1 - gate.maxNdcgDrop), JSON.stringify(gate));
  assert.equal(fresh?.metrics["gate.passed"], 1);
  const steps = reports
    .filter((r) => r.retrain)
    .map((r) => `  ${r.visits} visits: ${r.retrain?.action} ${r.retrain?.reason}`);
  console.log(`${steps.join("\n")}\npromoted after ${visits} visits`);
});

test("a candidate that cannot pass the gate is recorded as rejected with the numbers, and the champion stays", async () => {
  const { registry, champion, run, reports } = await deployment({
    enabled: true,
    training: TRAINING,
    // Demands ten times the champion's nDCG@10: no retrain can pass.
    gate: { minNdcgGain: 10 },
  });
  await run(3000, new Random(22), (r) => r.retrain?.action === "rejected");
  const rejected = reports.find((r) => r.retrain?.action === "rejected");
  assert.ok(rejected?.retrain?.version, JSON.stringify(reports.map((r) => r.retrain)));
  const status = await registry.status();
  const version = status.versions.find((v) => v.version === rejected.retrain?.version);
  assert.equal(version?.stage, "rejected");
  const why = version?.history.at(-1);
  assert.equal(why?.actor, "gate");
  assert.match(why?.reason ?? "", /gate failed: nDCG@10 below/);
  const stats = why?.stats as Record<string, number>;
  for (const key of [
    "championNdcg",
    "candidateNdcg",
    "championCoverage",
    "candidateCoverage",
    "holdoutUsers",
  ]) {
    assert.ok(Number.isFinite(stats[key]), `${key} missing from ${JSON.stringify(stats)}`);
  }
  assert.equal(version?.metrics["gate.passed"], 0);
  assert.equal(status.versions.find((v) => v.version === champion.version)?.stage, "champion");
  assert.equal(status.experiment?.canary, null);
});
