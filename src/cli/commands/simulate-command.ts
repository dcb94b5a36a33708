import { Command } from "commander";
import { parseClock, simClockSpec } from "../../core/clock.js";
import { PalateError } from "../../core/errors.js";
import { readCityManifest } from "../../data/city/manifest.js";
import { buildWorld } from "../../data/city/world.js";
import { httpApi } from "../../simulation/api-client.js";
import { formatVariants } from "../../simulation/online-tally.js";
import { runSimulation, type SimulationSummary } from "../../simulation/simulate.js";
import { intOption, numberOption } from "../option-parsers.js";

interface SimulateFlags {
  target: string;
  city: string;
  users?: number;
  rate: number;
  days: number;
  speed: number;
  clock?: string;
  seed: number;
  sessionsPerUserDay?: number;
  concurrency: number;
  reportEvery: number;
  json?: boolean;
}

function progressLines(s: SimulationSummary): string {
  const head =
    `[${s.simulatedTime}] ${s.visits} sessions` +
    (s.dropped ? `, ${s.dropped} skipped by --rate/--concurrency` : "") +
    (s.errors ? `, ${s.errors} errors` : "") +
    `, ${s.events.accepted} events accepted` +
    (s.events.failed ? `, ${s.events.failed} failed` : "");
  return [head, ...formatVariants(s.variants).map((line) => `  ${line}`)].join("\n");
}

/** `palate simulate`: the simulated city's users as live users of a server. */
export function simulateCommand(): Command {
  return new Command("simulate")
    .description(
      "send the simulated city's users to a live server: lists at meal times, clicks and bookings from ground truth",
    )
    .requiredOption("--target <url>", "the server, e.g. http://localhost:8080")
    .requiredOption(
      "--city <dir>",
      "the generated city the server's model was trained on (palate data generate)",
    )
    .option("--users <n>", "draw users from the city's first N (default: all)", intOption(1))
    .option(
      "--rate <r>",
      "at most R recommendation requests per real second (events are batched on top)",
      numberOption(0.01, 100_000),
      100,
    )
    .option("--days <d>", "simulated days to run", numberOption(0.0001, 3650), 1)
    .option(
      "--speed <x>",
      "simulated seconds per real second of a new clock starting at the city's end (when no --clock)",
      numberOption(1, 1e8),
      3600,
    )
    .option("--clock <spec>", "the shared clock sim:START,ANCHOR_MS,SPEED of the server and controller")
    .option("--seed <s>", "random seed of the sessions", intOption(0, 0xffffffff), 1)
    .option(
      "--sessions-per-user-day <n>",
      "sessions a user starts per simulated day (default: the city's own rate)",
      numberOption(0, 1000),
    )
    .option("--concurrency <n>", "at most N sessions in flight", intOption(1, 10_000), 32)
    .option("--report-every <seconds>", "real seconds between progress reports", numberOption(0.1, 3600), 5)
    .option("--json", "print the final summary as one JSON line")
    .addHelpText(
      "after",
      "\nThe server (palate serve --clock SPEC) and controller must run on the same clock, or lists and\n" +
        "events are stamped with different times. Without --clock or PALATE_CLOCK a clock is made and\n" +
        "its spec printed for them.",
    )
    .action(async (flags: SimulateFlags) => {
      const manifest = await readCityManifest(flags.city);
      const world = buildWorld(manifest.params);
      let spec = flags.clock ?? process.env.PALATE_CLOCK;
      if (!spec) {
        spec = simClockSpec(manifest.summary.endTime * 1000, flags.speed);
        console.log(`clock: ${spec}\n  start the server and controller with --clock '${spec}'`);
      }
      const clock = parseClock(spec, flags.clock ? "--clock" : "PALATE_CLOCK");
      const api = httpApi(flags.target, { maxSockets: flags.concurrency });
      try {
        const ready = await api("GET", "/readyz").catch((error: Error) => {
          throw new PalateError(`cannot reach ${flags.target}: ${error.message}`);
        });
        if (ready.status !== 200) console.error(`warning: ${flags.target}/readyz says ${ready.status}`);
        const abort = new AbortController();
        const stop = () => abort.abort();
        process.once("SIGINT", stop);
        const summary = await runSimulation({
          api,
          world,
          clock,
          users: flags.users,
          rate: flags.rate,
          days: flags.days,
          seed: flags.seed,
          sessionsPerUserDay: flags.sessionsPerUserDay,
          concurrency: flags.concurrency,
          signal: abort.signal,
          reportEverySeconds: flags.reportEvery,
          onReport: (s) => console.log(progressLines(s)),
        }).finally(() => process.off("SIGINT", stop));
        if (flags.json) {
          console.log(JSON.stringify(summary));
        } else {
          console.log(
            `done after ${summary.realSeconds.toFixed(1)} s (${summary.simulatedDays.toFixed(2)} simulated days)`,
          );
          console.log(progressLines(summary));
          for (const message of summary.errorSamples) console.log(`  error: ${message}`);
        }
        if (summary.errors > 0 && summary.visits === 0) process.exitCode = 1;
      } finally {
        api.close();
      }
    });
}
