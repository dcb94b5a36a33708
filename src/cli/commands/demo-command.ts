import { Command } from "commander";
import { parseClock, simClockSpec } from "../../core/clock.js";
import { InputError } from "../../core/errors.js";
import { readCityManifest } from "../../data/city/manifest.js";
import { printDemoAccess } from "../demo/demo-access.js";
import { createDemoRegistry } from "../demo/demo-registry.js";
import { simTime } from "../demo/demo-report.js";
import {
  CANARY_PERCENT,
  CONTROLLER_INTERVAL_MS,
  DEMO_SPEED,
  DEMO_START_HOUR,
  demoFlags,
  nextHourOfDay,
} from "../demo/demo-settings.js";
import { prepareWorkspace } from "../demo/demo-workspace.js";
import { startLiveDemo } from "../demo/live-demo.js";
import { intOption, numberOption } from "../option-parsers.js";
import { printExampleRequests } from "./serve-command.js";

/**
 * `palate demo` (what `npm start` runs): the sample city, last week's and this week's hybrid in a
 * registry as champion and 10% canary, served with the experiment controller and a simulated
 * stream of the city's users on an accelerated clock — a live experiment on the dashboard within
 * a minute, with no Redis and no network.
 */
export function demoCommand(): Command {
  return new Command("demo")
    .description(
      "a live experiment on http://localhost:8080/dashboard: the sample city, a champion and a canary, simulated traffic (what npm start runs)",
    )
    .option("--dir <dir>", "working directory (reset on every run; city and models reused)", ".palate/demo")
    .option("--port <n>", "port to serve on (0: any free port)", intOption(0, 65_535), 8080)
    .option("--no-serve", "stop after training and filling the registry")
    .option("--no-traffic", "serve and run the controller, but send no simulated traffic")
    .option(
      "--no-retrain",
      "stop after the first decision instead of retraining on stale data for the next experiment",
    )
    .option(
      "--rate <r>",
      "simulated recommendation requests per real second, at most",
      numberOption(0.1, 1000),
      40,
    )
    .option("--users <n>", "users of the sample city", intOption(50, 1_000_000), 5_000)
    .option("--restaurants <n>", "restaurants of the sample city", intOption(20, 100_000), 500)
    .addHelpText(
      "after",
      `
The champion is the hybrid trained on the city without its last 7 days (last week's model), the
${CANARY_PERCENT}% canary the same hybrid on everything (this week's retrain). Simulated time starts at
${DEMO_START_HOUR}:00 the day after the city's history and runs ${DEMO_SPEED}x (a day a minute); the controller decides
with demo rules (6 simulated hours, 300 lists a variant). Then, unless --no-retrain, the controller
retrains on stale data (the simulated events are ingested), gates the candidate offline and
canaries it: the next experiment. See docs/demo.md.`,
    )
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const flags = demoFlags(raw);
      const given = (name: string) => command.getOptionValueSource(name) === "cli";
      if (!flags.serve) {
        const pointless = ["port", "rate"].filter(given).map((n) => `--${n}`);
        if (!flags.traffic) pointless.push("--no-traffic");
        if (!flags.retrain) pointless.push("--no-retrain");
        if (pointless.length > 0)
          throw new InputError(
            { source: "--no-serve" },
            `nothing is served, so ${pointless.join(" and ")} would do nothing`,
          );
      }
      if (!flags.traffic && given("rate"))
        throw new InputError(
          { source: "--no-traffic" },
          "no simulated traffic is sent, so --rate would do nothing",
        );

      const workspace = await prepareWorkspace(flags.dir, {
        users: flags.users,
        restaurants: flags.restaurants,
      });
      const city = await readCityManifest(workspace.cityDir);
      const simStart = nextHourOfDay(city.summary.endTime * 1000, DEMO_START_HOUR);
      const clockSpec = simClockSpec(simStart, DEMO_SPEED);
      const experiment = await createDemoRegistry(workspace.registryDir, workspace, parseClock(clockSpec));
      console.log(
        `Registry ${workspace.registryDir}: champion ${experiment.champion}, canary ${experiment.canary} on ${CANARY_PERCENT}% of users`,
      );
      if (!flags.serve) {
        console.log(`Serve it with: npx palate serve --registry ${workspace.registryDir}`);
        return;
      }
      const demo = await startLiveDemo({
        workspace,
        port: flags.port,
        clockSpec,
        rate: flags.traffic ? flags.rate : null,
        retrain: flags.retrain,
      });
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`${signal}: stopping the traffic, the controller and the server (draining events) …`);
        demo.stop().then(
          () => process.exit(0),
          (error: Error) => {
            console.error(`palate: shutdown failed: ${error.message}`);
            process.exit(1);
          },
        );
      };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));

      const served = demo.server.context.service?.model;
      printExampleRequests(demo.server, served?.users.idAt(0) ?? "u1", served?.catalog.ids.idAt(0) ?? "r1");
      printDemoAccess(demo.url);
      console.log(
        `Simulated time starts ${simTime(simStart)} and runs ${DEMO_SPEED}x (a day a minute); the controller looks every ${CONTROLLER_INTERVAL_MS / 1000} s.`,
      );
      console.log(
        flags.traffic
          ? `Traffic: the city's ${city.params.users.toLocaleString("en-US")} users, at most ${flags.rate} requests/s. Ctrl-C stops.`
          : "No simulated traffic (--no-traffic): send your own requests. Ctrl-C stops.",
      );
    });
}
