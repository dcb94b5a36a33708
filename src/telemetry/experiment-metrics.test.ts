import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { CONTROLLER_LEASE } from "../experiments/controller.js";
import { OnlineMetrics } from "../experiments/online-metrics.js";
import { ModelRegistry } from "../experiments/registry.js";
import { popularityOnlyModel } from "../experiments/testing/canary-fixture.js";
import { ServeConfigSchema } from "../server/serve-config.js";
import { createServing, type RunningServer, registryStateUrl } from "../server/server.js";
import { trainedCityModel } from "../server/testing/serving-fixture.js";
import type { LoggedEvent } from "../storage/events/event-log.js";
import { openStateStore } from "../storage/state/open-state-store.js";
import type { StateStore } from "../storage/state/state-store.js";
import { parseExposition, sampleValue } from "./testing/exposition.js";

let dir: string;
let store: StateStore;
let registry: ModelRegistry;
let serving: RunningServer;
let champion: string;
let canary: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-experiment-metrics-"));
  store = await openStateStore(registryStateUrl(dir));
  let n = 0;
  registry = new ModelRegistry(store, {
    dir,
    clock: () => 1_800_000_000_000,
    experimentIds: () => `exp-${++n}`,
  });
  champion = (
    await registry.register((await trainedCityModel()).modelDir, {
      actor: "test",
      reason: "seed",
      champion: true,
    })
  ).version;
  canary = (await registry.register(await popularityOnlyModel(), { actor: "test", reason: "challenger" }))
    .version;
  serving = await createServing(
    { registry: dir },
    ServeConfigSchema.parse({
      eventLog: `sqlite:${join(dir, "events.db")}`,
      spillPath: join(dir, "spill"),
      itemSyncMs: 60_000,
    }),
  );
});
after(async () => {
  await serving?.close();
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const scrape = async () => parseExposition((await serving.app.inject({ url: "/metrics" })).body);

/** An impression of `arm` and, when `clicked`, a click on it: what the controller reads from the log. */
function list(arm: "champion" | "canary", id: string, clicked: boolean): LoggedEvent[] {
  const version = arm === "champion" ? champion : canary;
  const base = { userId: `u-${id}`, itemId: "", timestamp: 1_800_000_000, receivedAt: 0 };
  const shown: LoggedEvent = {
    ...base,
    eventId: `imp-${id}`,
    type: "impression",
    recommendationId: id,
    variant: arm,
    modelVersion: version,
    items: ["a", "b"],
  };
  const click: LoggedEvent = {
    ...base,
    eventId: `click-${id}`,
    type: "click",
    itemId: "a",
    recommendationId: id,
  };
  return clicked ? [shown, click] : [shown];
}

test("the live experiment, the controller's per-variant metrics and canary decisions are exposed", async () => {
  let families = await scrape();
  assert.equal(sampleValue(families, "palate_experiment_info", { champion, canary: "" }), 1);
  assert.equal(sampleValue(families, "palate_experiment_canary_percent"), 0);
  assert.equal(
    families.get("palate_experiment_impressions")?.samples.length,
    0,
    "no canary, no per-variant metrics",
  );

  const experiment = await registry.startCanary(canary, 25, { actor: "test", reason: "try it" });
  // The controller's checkpoint: champion 4 lists, 1 clicked; canary 2 lists, both clicked.
  const metrics = new OnlineMetrics(
    { champion, canary },
    { marginOf: () => undefined, categoryOf: () => undefined, size: 80 },
  );
  const events = [
    ...list("champion", "c1", true),
    ...list("champion", "c2", false),
    ...list("champion", "c3", false),
    ...list("champion", "c4", false),
    ...list("canary", "k1", true),
    ...list("canary", "k2", true),
  ];
  for (const event of events) metrics.add(event);
  assert.ok(await store.acquireLease(CONTROLLER_LEASE, "test", 60_000));
  await store.putCheckpoint(CONTROLLER_LEASE, "test", {
    cursor: "",
    state: { experimentId: experiment.id, metrics: metrics.toState() },
  });
  await serving.syncRegistry();

  families = await scrape();
  assert.equal(
    sampleValue(families, "palate_experiment_info", { experiment: experiment.id, champion, canary }),
    1,
  );
  assert.equal(sampleValue(families, "palate_experiment_canary_percent"), 25);
  assert.equal(sampleValue(families, "palate_experiment_paused"), 0);
  assert.equal(sampleValue(families, "palate_experiment_started_timestamp_seconds"), 1_800_000_000);
  assert.equal(sampleValue(families, "palate_experiment_impressions", { variant: "champion" }), 4);
  assert.equal(sampleValue(families, "palate_experiment_impressions", { variant: "canary" }), 2);
  assert.equal(sampleValue(families, "palate_experiment_click_through_ratio", { variant: "champion" }), 0.25);
  assert.equal(sampleValue(families, "palate_experiment_click_through_ratio", { variant: "canary" }), 1);
  assert.equal(sampleValue(families, "palate_experiment_booking_ratio", { variant: "canary" }), 0);
  assert.equal(sampleValue(families, "palate_experiment_coverage_ratio", { variant: "canary" }), 2 / 80);
  assert.equal(
    sampleValue(families, "palate_model_info", { version: canary, variant: "canary", kind: "hybrid" }),
    1,
  );
  assert.equal(sampleValue(families, "palate_canary_decisions_total", { action: "rollback" }), undefined);

  await registry.rollback(canary, { actor: "admin", reason: "lost" });
  await serving.syncRegistry();
  families = await scrape();
  assert.equal(
    sampleValue(families, "palate_canary_decisions_total", { action: "rollback", actor: "admin" }),
    1,
  );
  assert.equal(families.get("palate_canary_decisions_total")?.type, "counter");
  assert.equal(sampleValue(families, "palate_experiment_canary_percent"), 0);
  assert.equal(
    families.get("palate_experiment_impressions")?.samples.length,
    0,
    "the rolled-back canary's metrics are gone",
  );
  assert.equal(sampleValue(families, "palate_model_info", { variant: "canary" }), undefined);
  assert.equal(sampleValue(families, "palate_model_info", { version: champion, variant: "champion" }), 1);
  assert.equal(sampleValue(families, "palate_experiment_read_errors_total"), 0);
});
