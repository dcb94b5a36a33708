import { Command } from "commander";
import { parseClock, simClockSpec } from "../../core/clock.js";
import { loadCityWorld } from "../../data/city/manifest.js";
import { httpApi } from "../../simulation/city-visit.js";
import { runSimulation, type SimulationSummary } from "../../simulation/simulate.js";
import { intOption, numberOption } from "../option-parsers.js";

interface SimulateFlags {
  target: string;
  city: string;
  users: number;
  rate: number;
  days: number;
  speed: number;
  clock?: string;
  seed: number;
  json?: boolean;
}

function line(s: SimulationSummary): string {
  const arms = Object.entries(s.variants)
    .map(
      ([v, c]) =>
        `${v}: ${c.impressions} lists, CTR ${(100 * c.ctr).toFixed(2)}%, booking rate ${(100 * c.bookingRate).toFixed(2)}%`,
    )
    .join(" · ");
  return `${s.simulatedTime}  ${s.visits} visits  ${arms}${s.errors ? `  (${s.errors} errors)` : ""}`;
}

/** `palate simulate`: the simulated city's users using a live server. */
export function simulateCommand(): Command {
  return new Command("simulate")
    .description("send the simulated city's users to a live server (recommendations, clicks, bookings)")
    .requiredOption("--target <url>", "the server, e.g. http://localhost:8080")
    .requiredOption("--city <dir>", "the generated city the model was trained on (palate data generate)")
    .option("--users <n>", "draw users from the first N of the city", intOption(1), 1_000_000)
    .option("--rate <r>", "visits per real second at peak", numberOption(0.1, 10_000), 50)
    .option("--days <d>", "simulated days", numberOption(0.001, 365), 1)
    .option(
      "--speed <x>",
      "simulated seconds per real second (when no --clock is given)",
      numberOption(1, 1e7),
      3600,
    )
    .option(
      "--clock <spec>",
      "a shared clock sim:START,ANCHOR_MS,SPEED (env PALATE_CLOCK) to match the server's",
    )
    .option("--seed <s>", "random seed", intOption(0), 1)
    .option("--json", "print the final summary as JSON")
    .action(async (flags: SimulateFlags) => {
      const world = await loadCityWorld(flags.city);
      let spec = flags.clock ?? process.env.PALATE_CLOCK;
      if (!spec) {
        spec = simClockSpec(Date.now(), flags.speed);
        console.log(`simulated clock: ${spec} (start the server and controller with --clock '${spec}')`);
      }
      const abort = new AbortController();
      process.once("SIGINT", () => abort.abort());
      const summary = await runSimulation({
        api: httpApi(flags.target),
        world,
        clock: parseClock(spec),
        users: flags.users,
        rate: flags.rate,
        days: flags.days,
        seed: flags.seed,
        signal: abort.signal,
        onReport: (s) => console.log(line(s)),
      });
      console.log(flags.json ? JSON.stringify(summary) : line(summary));
    });
}
