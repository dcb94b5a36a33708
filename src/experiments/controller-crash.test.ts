import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { EventSink, LoggedEvent } from "../storage/events/event-log.js";
import { openEventSink } from "../storage/events/open-event-sink.js";
import { openStateStore } from "../storage/state/open-state-store.js";
import type { RegistryChange, StateStore } from "../storage/state/state-store.js";
import { CONTROLLER_LEASE, Controller } from "./controller.js";
import { DecisionRulesSchema } from "./decision.js";
import { OnlineMetrics, type OnlineMetricsState } from "./online-metrics.js";
import { ModelRegistry } from "./registry.js";
import { tinyArtifact } from "./testing/tiny-artifact.js";

// Faults (issue: the controller killed mid-decision and restarted): a controller dies just before
// or just after the registry commit of its decision, or stalls there while a successor takes
// over. Whatever the moment, the decision happens exactly once and no event is counted twice.

const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const step of cleanup.reverse()) await step();
});

const START = 1_800_000_000_000;
// A dead (or stalled) leader's lease lapses after LEASE_MS of real time; then a successor leads.
// Long enough that a live leader's tick (a few ms) never outlasts it on a loaded machine.
const LEASE_MS = 1000;
const LISTS_PER_ARM = 100;
// Equal arms and no minimum duration: the first tick's decision is a promotion.
const rules = DecisionRulesSchema.parse({
  minDurationMs: 0,
  minImpressions: 50,
  minImpressionsForTests: 50,
  minImpressionsForGuardrails: 50,
});
const catalog = { marginOf: () => undefined, categoryOf: () => undefined, size: 10 };

/** A registry with a champion and a running canary, and an event log holding both arms' lists. */
async function deployment(name: string) {
  const dir = await mkdtemp(join(tmpdir(), `palate-controller-${name}-`));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const store = await openStateStore(`sqlite:${join(dir, "state.db")}`);
  cleanup.push(() => store.close());
  const registry = new ModelRegistry(store, { dir, clock: () => START, experimentIds: () => "exp-1" });
  for (const version of ["v1", "v2"])
    await registry.register(await tinyArtifact(join(dir, "trained", version), version), {
      actor: "test",
      reason: "seed",
      champion: version === "v1",
    });
  await registry.startCanary("v2", 50, { actor: "test", reason: "try it" });
  const sink = await openEventSink(`sqlite:${join(dir, "events.db")}`);
  cleanup.push(() => sink.close());
  const events: LoggedEvent[] = [];
  for (const [variant, version] of [
    ["champion", "v1"],
    ["canary", "v2"],
  ] as const) {
    for (let n = 0; n < LISTS_PER_ARM; n++) {
      const id = `${variant}-${n}`;
      const base = { userId: `u-${id}`, timestamp: START / 1000, receivedAt: 0 };
      events.push({
        ...base,
        eventId: `imp-${id}`,
        type: "impression",
        itemId: "a",
        recommendationId: id,
        variant,
        modelVersion: version,
        items: ["a", "b"],
      });
      if (n % 10 === 0)
        events.push({ ...base, eventId: `click-${id}`, type: "click", itemId: "a", recommendationId: id });
    }
  }
  await sink.append(events);
  return { dir, store, sink, events };
}

function controller(store: StateStore, dir: string, sink: EventSink, owner: string) {
  const registry = new ModelRegistry(store, { dir, clock: () => START + 1 });
  return new Controller({
    store,
    registry,
    sink,
    clock: () => START + 1,
    owner,
    rules,
    catalog,
    leaseMs: LEASE_MS,
  });
}

/** `store`, whose registry commits call `onCommit(apply)` instead: the fault decides when to apply. */
function faultyStore(
  store: StateStore,
  onCommit: (apply: () => Promise<boolean>) => Promise<boolean>,
): StateStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === "commit") return (change: RegistryChange) => onCommit(() => target.commit(change));
      const value = Reflect.get(target, key, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const leaseLapse = () => new Promise((r) => setTimeout(r, LEASE_MS + 50));

async function promotions(store: StateStore) {
  return (await store.history()).filter(
    (t) => t.version === "v2" && t.from === "canary" && t.to === "champion",
  );
}

/** The impressions in the controller's checkpoint: every list counted once, whoever counted it. */
async function countedLists(store: StateStore): Promise<number> {
  const saved = (await store.getCheckpoint(CONTROLLER_LEASE))?.state as {
    metrics: OnlineMetricsState | null;
  };
  assert.ok(saved.metrics, "the checkpoint holds the experiment's aggregates");
  const { champion, canary } = OnlineMetrics.fromState(saved.metrics, catalog).snapshot();
  return champion.impressions + canary.impressions;
}

test("killed before its decision is committed: the restarted controller makes it, once", async () => {
  const { dir, store, sink } = await deployment("before");
  const dying = controller(
    faultyStore(store, async () => Promise.reject(new Error("killed"))),
    dir,
    sink,
    "a",
  );
  await assert.rejects(dying.tick(), /killed/);
  assert.equal((await store.getExperiment())?.canary, "v2", "nothing was decided");
  await leaseLapse();
  const report = await controller(store, dir, sink, "b").tick();
  assert.equal(report.decision?.action, "promote");
  assert.equal(report.eventsRead, 0, "the checkpoint was stored before the decision: no event read twice");
  assert.equal((await promotions(store)).length, 1);
  assert.equal((await store.getVersion("v2"))?.stage, "champion");
});

test("killed right after its decision is committed: the restarted controller does not repeat it", async () => {
  const { dir, store, sink } = await deployment("after");
  const dying = controller(
    faultyStore(store, async (apply) => {
      await apply();
      throw new Error("killed");
    }),
    dir,
    sink,
    "a",
  );
  await assert.rejects(dying.tick(), /killed/);
  await leaseLapse();
  const report = await controller(store, dir, sink, "b").tick();
  assert.equal(report.decision, undefined, "no canary left to decide on");
  assert.equal(report.eventsRead, 0);
  assert.equal((await promotions(store)).length, 1);
  assert.equal((await store.getVersion("v1"))?.stage, "retired");
});

test("a stalled leader whose successor already decided cannot decide again", async () => {
  const { dir, store, sink, events } = await deployment("stalled");
  let resume: () => void = () => {};
  const stalled = new Promise<void>((r) => {
    resume = r;
  });
  let reachedCommit: () => void = () => {};
  const atCommit = new Promise<void>((r) => {
    reachedCommit = r;
  });
  const slow = controller(
    faultyStore(store, async (apply) => {
      reachedCommit();
      await stalled;
      return apply();
    }),
    dir,
    sink,
    "a",
  );
  const slowTick = slow.tick();
  await atCommit;
  await leaseLapse();
  const successor = await controller(store, dir, sink, "b").tick();
  assert.equal(successor.decision?.action, "promote");
  resume();
  // The stale leader's promotion meets a registry where v2 is no longer a canary.
  await assert.rejects(slowTick, /canary|champion/);
  assert.equal((await promotions(store)).length, 1);
  assert.equal(
    await countedLists(store),
    events.filter((e) => e.type === "impression").length,
    "each list is in the aggregates once",
  );
});
