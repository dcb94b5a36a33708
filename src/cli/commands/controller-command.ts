import { hostname } from "node:os";
import { Command } from "commander";
import { parseClock } from "../../core/clock.js";
import { readConfigFile } from "../../core/config-file.js";
import { catalogFacts } from "../../experiments/catalog-facts.js";
import { Controller } from "../../experiments/controller.js";
import { DecisionRulesSchema } from "../../experiments/decision.js";
import { ModelRegistry } from "../../experiments/registry.js";
import type { HybridModel } from "../../models/hybrid/hybrid-model.js";
import { loadModel } from "../../models/model-kinds.js";
import { registryStateUrl } from "../../server/server.js";
import { openEventSink } from "../../storage/events/open-event-sink.js";
import { openInteractionStore } from "../../storage/interactions/open-interaction-store.js";
import { openStateStore } from "../../storage/state/open-state-store.js";
import { intOption } from "../option-parsers.js";

interface ControllerFlags {
  registry: string;
  state?: string;
  eventLog: string;
  interactions?: string;
  intervalMs: number;
  clock?: string;
  rules?: string;
}

/** `palate controller`: the control loop of a deployment (one leader; others idle). */
export function controllerCommand(): Command {
  return new Command("controller")
    .description("run the experiment controller: read events, compare variants, promote or roll back")
    .requiredOption("--registry <dir>", "the model registry directory")
    .option(
      "--state <url>",
      "state store URL (default sqlite:REGISTRY/state.db; redis://… when replicas share it)",
    )
    .requiredOption("--event-log <url>", "the event log the servers write (sqlite:PATH or redis://…)")
    .option("--interactions <url>", "interaction store to ingest events into (sqlite:PATH)")
    .option("--interval-ms <n>", "pause between ticks", intOption(10, 3_600_000), 1000)
    .option("--clock <spec>", "system, or a simulation's shared clock (env PALATE_CLOCK)")
    .option("--rules <file>", "decision rules as JSON (alpha, tolerances, minimum duration, …)")
    .action(async (flags: ControllerFlags) => {
      const clock = parseClock(flags.clock ?? process.env.PALATE_CLOCK ?? "system");
      const rules = DecisionRulesSchema.parse(
        flags.rules ? readConfigFile(flags.rules, DecisionRulesSchema) : {},
      );
      const store = await openStateStore(flags.state ?? registryStateUrl(flags.registry));
      const registry = new ModelRegistry(store, { dir: flags.registry, clock });
      const sink = await openEventSink(flags.eventLog, { waitForConnection: false });
      const interactions = flags.interactions ? await openInteractionStore(flags.interactions) : null;
      const champion = (await store.listVersions()).find((v) => v.stage === "champion");
      const items = champion ? ((await loadModel(champion.dir)).model as HybridModel).learned.itemMeta : [];
      const controller = new Controller({
        store,
        registry,
        sink,
        clock,
        owner: `${hostname()}:${process.pid}`,
        rules,
        catalog: catalogFacts(items),
        ingest: interactions
          ? (events) =>
              interactions.append(
                events.map((e) => ({
                  userId: e.userId,
                  itemId: e.itemId,
                  type: e.type,
                  value: e.value,
                  timestamp: e.timestamp,
                })),
              )
          : undefined,
        onTick: (report) => {
          if (report.decision && report.decision.action !== "continue")
            console.log(
              `${new Date(clock()).toISOString()} ${report.decision.action} ${report.decision.version}: ${report.decision.reason}`,
            );
        },
      });
      const abort = new AbortController();
      process.once("SIGTERM", () => abort.abort());
      process.once("SIGINT", () => abort.abort());
      console.log(`controller ${hostname()}:${process.pid} watching ${flags.registry}`);
      await controller.run(abort.signal, flags.intervalMs, (error) =>
        console.error(`tick failed: ${error.message}`),
      );
      await Promise.allSettled([store.close(), sink.close(), interactions?.close()]);
    });
}
