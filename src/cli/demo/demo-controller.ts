import type { Clock } from "../../core/clock.js";
import { catalogFacts } from "../../experiments/catalog-facts.js";
import { CONTROLLER_LEASE, Controller, type TickReport } from "../../experiments/controller.js";
import { ModelRegistry } from "../../experiments/registry.js";
import type { Retrainer } from "../../experiments/retrainer.js";
import type { RunningServer } from "../../server/server.js";
import type { InteractionStore } from "../../storage/interactions/interaction-store.js";
import type { StateStore } from "../../storage/state/state-store.js";
import { controllerSummary, simTime } from "./demo-report.js";
import { demoRetrainer, seedInteractionStore } from "./demo-retraining.js";
import { CONTROLLER_INTERVAL_MS, DEMO_RULES } from "./demo-settings.js";
import type { DemoWorkspace } from "./demo-workspace.js";

/** What the demo's controller runs with. */
export interface DemoControllerOptions {
  server: RunningServer;
  workspace: DemoWorkspace;
  clock: Clock;
  /** Attach the retrainer (the next experiment follows each decision). */
  retrain: boolean;
  signal: AbortSignal;
  /** Told the controller's latest conclusion, for the status line. */
  onSummary: (summary: string) => void;
}

/**
 * The experiment controller on the server's own state store and event log (one process, one
 * SQLite connection each), ticking every 2 s until the signal aborts, printing every decision
 * and retrain as it happens.
 */
export async function runDemoController(o: DemoControllerOptions): Promise<void> {
  const { server, clock, signal } = o;
  const store = server.state as StateStore;
  const owner = `palate-demo:${process.pid}`;
  const registry = new ModelRegistry(store, { dir: o.workspace.registryDir, clock });
  let interactions: InteractionStore | undefined;
  let retrainer: Retrainer | undefined;
  if (o.retrain) {
    const seeded = await seedInteractionStore(o.workspace.dir, o.workspace.cityDir);
    interactions = seeded;
    retrainer = demoRetrainer(o.workspace.dir, seeded, registry, clock);
  }
  const catalog = server.context.service?.model.catalog;
  const controller = new Controller({
    store,
    registry,
    sink: server.queue.sink,
    clock,
    owner,
    rules: DEMO_RULES,
    catalog: catalogFacts(catalog ? Array.from({ length: catalog.size }, (_, i) => catalog.metadata(i)) : []),
    interactions,
    retrainer,
    onTick: (report) => {
      const summary = controllerSummary(report);
      if (summary) o.onSummary(summary);
      const said = announce(report, clock, o.retrain);
      if (said) o.onSummary(said);
    },
  });
  try {
    // Its own loop rather than `Controller.run`, whose sleeps each add an abort listener that is
    // never removed (Node warns after ten ticks).
    while (!signal.aborted) {
      await controller
        .tick()
        .catch((error: Error) => console.error(`controller tick failed: ${error.message}`));
      await sleep(CONTROLLER_INTERVAL_MS, signal);
    }
    await retrainer?.stop();
    // One last look, so the events the traffic posted while stopping are counted too.
    await server.queue.drain(5000);
    await controller.tick().catch(() => {});
    await retrainer?.stop();
    await store.releaseLease(CONTROLLER_LEASE, owner).catch(() => {});
  } finally {
    await interactions?.close();
  }
}

/** Prints a decision or a retrain step; returns the status line's new summary, if any. */
function announce(report: TickReport, clock: Clock, retraining: boolean): string | null {
  const at = `[sim ${simTime(clock())}]`;
  const retrain = report.retrain;
  if (retrain) {
    console.log(
      `${at} retrain ${retrain.action}${retrain.version ? ` ${retrain.version}` : ""}: ${retrain.reason}`,
    );
    if (retrain.action === "started") return "retraining on the fresher data …";
    if (retrain.action === "canary") return `new experiment: canary ${retrain.version}`;
    return `no experiment running; last retrain ${retrain.action}: ${retrain.reason}`;
  }
  const decision = report.decision;
  if (!decision || decision.action === "continue") return null;
  const verb = decision.action === "promote" ? "PROMOTED" : "ROLLED BACK";
  console.log(`\n${at} controller ${verb} ${decision.version}: ${decision.reason}`);
  const after = retraining
    ? "the controller retrains once the data is stale (5% new interactions or a simulated day) and canaries the result"
    : "the dashboard keeps the history";
  console.log(
    decision.action === "promote"
      ? `  It is the champion now and serves everyone; ${after}.\n`
      : `  The champion serves everyone again; ${after}.\n`,
  );
  return `experiment over: ${decision.action} of ${decision.version}`;
}

/** Resolves after `ms`, or at once when the signal aborts (the listener is removed either way). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
