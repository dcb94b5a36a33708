import { hostname } from "node:os";
import { Command } from "commander";
import { parseClock } from "../../core/clock.js";
import { readConfigFile } from "../../core/config-file.js";
import { InputError } from "../../core/errors.js";
import { catalogFacts } from "../../experiments/catalog-facts.js";
import { Controller } from "../../experiments/controller.js";
import { remoteDriftSignal } from "../../experiments/drift-signal.js";
import { ModelRegistry } from "../../experiments/registry.js";
import { ControllerRulesSchema, splitControllerRules } from "../../experiments/retrain-rules.js";
import { Retrainer } from "../../experiments/retrainer.js";
import type { HybridModel } from "../../models/hybrid/hybrid-model.js";
import { loadModel } from "../../models/model-kinds.js";
import { registryStateUrl } from "../../server/server.js";
import { openEventSink } from "../../storage/events/open-event-sink.js";
import { openInteractionStore } from "../../storage/interactions/open-interaction-store.js";
import { openStateStore } from "../../storage/state/open-state-store.js";
import { httpUrlOption, intOption } from "../option-parsers.js";

interface ControllerFlags {
  registry: string;
  state?: string;
  eventLog: string;
  interactions?: string;
  intervalMs: number;
  clock?: string;
  rules?: string;
  retrain?: boolean;
  driftFrom?: string;
  trimEvents?: boolean;
}

/** `palate controller`: the control loop of a deployment (one leader; others idle). */
export function controllerCommand(): Command {
  return new Command("controller")
    .description(
      "run the experiment controller: read events, compare variants, promote or roll back; with --retrain, retrain on stale data",
    )
    .requiredOption("--registry <dir>", "the model registry directory")
    .option(
      "--state <url>",
      "state store URL (default sqlite:REGISTRY/state.db; redis://… when replicas share it)",
    )
    .requiredOption("--event-log <url>", "the event log the servers write (sqlite:PATH or redis://…)")
    .option("--interactions <url>", "interaction store to ingest events into (sqlite:PATH)")
    .option("--interval-ms <n>", "pause between ticks", intOption(10, 3_600_000), 1000)
    .option("--clock <spec>", "system, or a simulation's shared clock (env PALATE_CLOCK)")
    .option(
      "--rules <file>",
      "rules as JSON: canary decisions (alpha, tolerances, minDurationMs, …) and a 'retrain' section (freshness, gate, training, canaryPercent)",
    )
    .option(
      "--retrain",
      "retrain when the data is stale (needs --interactions): offline gate, then a canary or a rejection; same as retrain.enabled in --rules",
    )
    .option(
      "--drift-from <url>",
      "a serving replica (http://host:port) whose drift report (GET /v1/admin/drift, token from PALATE_ADMIN_TOKEN) can also trigger a retrain: features its drift.retrain config watches",
      httpUrlOption,
    )
    .option(
      "--trim-events",
      "drop events from a redis:// event log once this controller (and its --interactions ingest) has read them; only when nothing else reads the stream",
    )
    .addHelpText(
      "after",
      `
Retraining (--retrain): every tick the controller copies new events into --interactions; while no
canary runs it compares the data with the champion's snapshot (default: stale at >= 5% new
interactions, or >= 24 h old with any new data), trains a hybrid in a child process, compares it
with the champion on the newest held-out interactions (nDCG@10 and coverage) and starts a 10%
canary if it holds up, or records it as rejected with the numbers. Example --rules file:
  {"minDurationMs": 86400000, "retrain": {"freshness": {"minNewShare": 0.05},
   "gate": {"maxNdcgDrop": 0.05, "maxCoverageDrop": 0.1}, "canaryPercent": 10}}`,
    )
    .action(async (flags: ControllerFlags) => {
      const clock = parseClock(flags.clock ?? process.env.PALATE_CLOCK ?? "system");
      const parsed = ControllerRulesSchema.parse(
        flags.rules ? readConfigFile(flags.rules, ControllerRulesSchema) : {},
      );
      const { decision: rules, retrain } = splitControllerRules(parsed);
      const retraining = flags.retrain === true || retrain.enabled;
      if (flags.driftFrom && !retraining) {
        throw new InputError({ source: "--drift-from" }, "a drift signal only matters with --retrain");
      }
      if (retraining && !flags.interactions) {
        throw new InputError(
          { source: "--retrain" },
          "retraining needs an interaction store to train on: add --interactions sqlite:PATH",
        );
      }
      const store = await openStateStore(flags.state ?? registryStateUrl(flags.registry));
      const registry = new ModelRegistry(store, { dir: flags.registry, clock });
      const sink = await openEventSink(flags.eventLog, { waitForConnection: false });
      if (flags.trimEvents && !sink.trimThrough) {
        throw new InputError(
          { source: "--trim-events" },
          `the ${sink.backend} event log cannot be trimmed (only redis:// logs, shared by replicas, grow without bound)`,
        );
      }
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
        interactions: interactions ?? undefined,
        trimEventLog: flags.trimEvents === true,
        retrainer:
          retraining && interactions && flags.interactions
            ? new Retrainer({
                registry,
                interactions,
                interactionsUrl: flags.interactions,
                rules: retrain,
                clock,
                drift: flags.driftFrom
                  ? remoteDriftSignal(flags.driftFrom, process.env.PALATE_ADMIN_TOKEN)
                  : undefined,
              })
            : undefined,
        onTick: (report) => {
          if (report.retrain)
            console.log(
              `${new Date(clock()).toISOString()} retrain ${report.retrain.action}${report.retrain.version ? ` ${report.retrain.version}` : ""}: ${report.retrain.reason}`,
            );
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
