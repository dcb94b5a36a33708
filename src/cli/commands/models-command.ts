import { Command } from "commander";
import { ModelRegistry } from "../../experiments/registry.js";
import { registryStateUrl } from "../../server/server.js";
import { openStateStore } from "../../storage/state/open-state-store.js";
import { numberOption } from "../option-parsers.js";

interface RegistryFlags {
  registry: string;
  state?: string;
}

/** Opens the registry a command names, runs `use`, closes the store. */
async function withRegistry<T>(
  flags: RegistryFlags,
  use: (registry: ModelRegistry) => Promise<T>,
): Promise<T> {
  const store = await openStateStore(flags.state ?? registryStateUrl(flags.registry));
  try {
    return await use(new ModelRegistry(store, { dir: flags.registry }));
  } finally {
    await store.close();
  }
}

function registryCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .requiredOption("--registry <dir>", "the registry directory (versions/ and state.db)")
    .option("--state <url>", "state store URL (default sqlite:REGISTRY/state.db; redis://… to share it)");
}

/** `palate models …`: the model registry by hand (the controller does the same automatically). */
export function modelsCommand(): Command {
  const models = new Command("models").description(
    "the model registry: list, register, canary, promote, roll back",
  );
  models.addCommand(
    registryCommand("list", "versions with their stage and history, and the live experiment")
      .option("--json", "print JSON")
      .action(async (flags: RegistryFlags & { json?: boolean }) => {
        const status = await withRegistry(flags, (r) => r.status());
        if (flags.json) {
          console.log(JSON.stringify(status, null, 2));
          return;
        }
        for (const v of status.versions) {
          const last = v.history.at(-1);
          console.log(`${v.version}  ${v.stage.padEnd(11)}  ${last ? `${last.actor}: ${last.reason}` : ""}`);
        }
        const e = status.experiment;
        console.log(
          e?.canary
            ? `experiment ${e.id}: canary ${e.canary} on ${e.percent}%${e.paused ? " (paused)" : ""}`
            : "no canary running",
        );
      }),
  );
  models.addCommand(
    registryCommand("register", "copy a trained version into the registry as a candidate")
      .requiredOption("--model <dir>", "the trained version (palate train --out)")
      .option("--champion", "make it the champion (only while the registry has none)")
      .action(async (flags: RegistryFlags & { model: string; champion?: boolean }) => {
        const record = await withRegistry(flags, (r) =>
          r.register(flags.model, { actor: "cli", reason: "registered by hand", champion: flags.champion }),
        );
        console.log(`registered ${record.version} as ${record.stage}`);
      }),
  );
  models.addCommand(
    registryCommand("canary", "start a canary on a share of users")
      .requiredOption("--version <v>", "a candidate version")
      .option("--percent <p>", "share of users on the canary (0–100]", numberOption(0.01, 100), 10)
      .action(async (flags: RegistryFlags & { version: string; percent: number }) => {
        await withRegistry(flags, (r) =>
          r.startCanary(flags.version, flags.percent, { actor: "cli", reason: "started by hand" }),
        );
        console.log(`canary ${flags.version} on ${flags.percent}% of users`);
      }),
  );
  for (const [name, verb] of [
    ["promote", "make the canary the champion"],
    ["rollback", "stop the canary"],
  ] as const) {
    models.addCommand(
      registryCommand(name, verb)
        .requiredOption("--version <v>", "the canary version")
        .option("--reason <text>", "why, for the history", "by hand")
        .action(async (flags: RegistryFlags & { version: string; reason: string }) => {
          await withRegistry(flags, (r) => r[name](flags.version, { actor: "cli", reason: flags.reason }));
          console.log(`${name === "promote" ? "promoted" : "rolled back"} ${flags.version}`);
        }),
    );
  }
  return models;
}
