import { existsSync } from "node:fs";
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { parseClock } from "../../core/clock.js";
import { InputError } from "../../core/errors.js";
import { ModelRegistry, type RegistryStatus } from "../../experiments/registry.js";
import { registryStateUrl } from "../../server/server.js";
import { openStateStore } from "../../storage/state/open-state-store.js";

interface RegistryFlags {
  registry: string;
  state?: string;
  clock?: string;
}

/**
 * Opens the registry a command names, runs `use`, and closes the store. Only `register` may
 * create a registry: anywhere else a mistyped --registry would silently open an empty one.
 */
async function withRegistry<T>(
  flags: RegistryFlags,
  use: (registry: ModelRegistry) => Promise<T>,
  create = false,
): Promise<T> {
  if (!create && flags.state === undefined && !existsSync(join(flags.registry, "state.db"))) {
    throw new InputError(
      { source: `--registry ${flags.registry}` },
      "no registry here (no state.db); add a first version with 'palate models register --champion'",
    );
  }
  const store = await openStateStore(flags.state ?? registryStateUrl(flags.registry));
  try {
    // A simulation's clock, so that registration times and ages agree with the controller's.
    const clock = parseClock(flags.clock ?? process.env.PALATE_CLOCK ?? "system");
    return await use(new ModelRegistry(store, { dir: flags.registry, clock }));
  } finally {
    await store.close();
  }
}

/** A commander parser for a canary share: more than 0 and at most 100 percent. */
function percentOption(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0 || n > 100) {
    throw new InvalidArgumentError(`must be a percentage in (0, 100], got "${value}"`);
  }
  return n;
}

function registryCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .requiredOption("--registry <dir>", "the registry directory (versions/ and state.db)")
    .option("--state <url>", "state store URL (default sqlite:REGISTRY/state.db; redis://… to share it)")
    .option(
      "--clock <spec>",
      "system, or a simulation's shared clock sim:START,ANCHOR_MS,SPEED for the history's times (env PALATE_CLOCK)",
    );
}

/** The registry as a short table: version, stage, when registered, the last decision. */
function printStatus(status: RegistryStatus): void {
  if (status.versions.length === 0) console.log("no versions registered");
  const width = Math.max(7, ...status.versions.map((v) => v.version.length));
  for (const v of status.versions) {
    const last = v.history.at(-1);
    const when = new Date(v.registeredAt).toISOString().slice(0, 19).replace("T", " ");
    const why = last ? `${last.actor}: ${last.reason}` : "";
    console.log(`${v.version.padEnd(width)}  ${v.stage.padEnd(11)}  ${when}  ${why}`);
  }
  const e = status.experiment;
  if (e?.canary) {
    const paused = e.paused ? ", paused" : "";
    console.log(`experiment ${e.id}: canary ${e.canary} on ${e.percent}% against ${e.champion}${paused}`);
  } else {
    console.log(e ? `champion ${e.champion}; no canary running` : "no champion yet");
  }
}

/** `palate models …`: the model registry by hand (the controller makes the same moves on its own). */
export function modelsCommand(): Command {
  const models = new Command("models").description(
    "the model registry: list, register, canary, promote, roll back, pause, resume",
  );
  models.addCommand(
    registryCommand("list", "versions with their stage and history, and the live experiment")
      .option("--json", "print the whole status as JSON")
      .action(async (flags: RegistryFlags & { json?: boolean }) => {
        const status = await withRegistry(flags, (r) => r.status());
        if (flags.json) console.log(JSON.stringify(status, null, 2));
        else printStatus(status);
      }),
  );
  models.addCommand(
    registryCommand("register", "copy a trained version into the registry as a candidate")
      .requiredOption("--model <dir>", "the trained version (palate train --out)")
      .option("--champion", "make it the champion at once (only while the registry has none)")
      .option("--reason <text>", "why, for the history", "registered by hand")
      .action(async (flags: RegistryFlags & { model: string; champion?: boolean; reason: string }) => {
        const record = await withRegistry(
          flags,
          (r) => r.register(flags.model, { actor: "cli", reason: flags.reason, champion: flags.champion }),
          true,
        );
        console.log(`registered ${record.version} as ${record.stage}`);
      }),
  );
  models.addCommand(
    registryCommand("canary", "start a canary of a candidate on a share of users")
      .requiredOption("--version <v>", "the candidate version")
      .option("--percent <p>", "share of users on the canary, in (0, 100]", percentOption, 10)
      .option("--reason <text>", "why, for the history", "started by hand")
      .action(async (flags: RegistryFlags & { version: string; percent: number; reason: string }) => {
        const experiment = await withRegistry(flags, (r) =>
          r.startCanary(flags.version, flags.percent, { actor: "cli", reason: flags.reason }),
        );
        console.log(
          `canary ${flags.version} on ${flags.percent}% of users against ${experiment.champion} (experiment ${experiment.id})`,
        );
      }),
  );
  const verbs = { promote: "promoted", rollback: "rolled back" } as const;
  for (const [name, description] of [
    ["promote", "make the canary the champion (the old one retires)"],
    ["rollback", "stop the canary; the champion serves everyone"],
  ] as const) {
    models.addCommand(
      registryCommand(name, description)
        .requiredOption("--version <v>", "the canary version")
        .option("--reason <text>", "why, for the history", "by hand")
        .action(async (flags: RegistryFlags & { version: string; reason: string }) => {
          await withRegistry(flags, (r) => r[name](flags.version, { actor: "cli", reason: flags.reason }));
          console.log(`${verbs[name]} ${flags.version}`);
        }),
    );
  }
  for (const name of ["pause", "resume"] as const) {
    models.addCommand(
      registryCommand(name, `${name} the running canary`)
        .option("--reason <text>", "why, for the history", "by hand")
        .action(async (flags: RegistryFlags & { reason: string }) => {
          await withRegistry(flags, (r) => r[name]({ actor: "cli", reason: flags.reason }));
          console.log(`${name === "pause" ? "paused" : "resumed"} the canary`);
        }),
    );
  }
  return models;
}
