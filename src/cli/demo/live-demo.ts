import { parseClock } from "../../core/clock.js";
import { PalateError } from "../../core/errors.js";
import { loadCityWorld } from "../../data/city/manifest.js";
import { ServeConfigSchema } from "../../server/serve-config.js";
import { type RunningServer, startServer } from "../../server/server.js";
import { httpApi } from "../../simulation/api-client.js";
import { type SimulationSummary, Simulator } from "../../simulation/simulate.js";
import { runDemoController } from "./demo-controller.js";
import { statusLines } from "./demo-report.js";
import { DEMO_RULE_OVERRIDES, REPORT_EVERY_SECONDS, sessionsPerUserDay } from "./demo-settings.js";
import type { DemoWorkspace } from "./demo-workspace.js";

/** What the live demo runs with. */
export interface LiveDemoOptions {
  workspace: DemoWorkspace;
  port: number;
  /** The shared accelerated clock's spec (`simClockSpec`), for the server, controller and traffic. */
  clockSpec: string;
  /** Recommendation requests per real second of simulated traffic; null: no traffic. */
  rate: number | null;
  /** Retrain on stale data and canary the result (the next experiment), or stop after the first decision. */
  retrain: boolean;
  /** Seed of the simulated sessions. */
  seed?: number;
}

/** A running demo: its base URL, and how to stop it. */
export interface LiveDemo {
  url: string;
  server: RunningServer & { url: string };
  /** Stops the traffic, then the controller, then the server (draining its event queue). */
  stop(): Promise<void>;
}

/**
 * The live experiment in one process: the server over the demo registry, the experiment
 * controller ticking every 2 s, and the city's users as traffic against the server's own HTTP
 * API — all three on one accelerated clock, so events, decisions and charts agree on the time.
 */
export async function startLiveDemo(options: LiveDemoOptions): Promise<LiveDemo> {
  const { workspace } = options;
  const clock = parseClock(options.clockSpec, "demo clock");
  // Loaded before listening, so a broken city fails the start instead of leaving a server behind.
  const world = options.rate === null ? null : await loadCityWorld(workspace.cityDir);
  const server = await listen(options);
  // What a newcomer types: fastify reports 127.0.0.1 for a server listening on every interface.
  const url = server.url.replace(/\/\/(0\.0\.0\.0|127\.0\.0\.1|\[::1?\])/, "//localhost");
  const abort = new AbortController();
  let said = "no events read yet";
  const controllerDone = runDemoController({
    server,
    workspace,
    clock,
    retrain: options.retrain,
    signal: abort.signal,
    onSummary: (summary) => {
      said = summary;
    },
  });
  let simulator: Simulator | null = null;
  let trafficDone: Promise<SimulationSummary | null> = Promise.resolve(null);
  const api = httpApi(`http://127.0.0.1:${new URL(url).port}`, { maxSockets: 16 });
  if (world && options.rate !== null) {
    simulator = new Simulator({
      api,
      world,
      clock,
      rate: options.rate,
      // A year: the demo runs until it is stopped.
      days: 365,
      seed: options.seed ?? 1,
      sessionsPerUserDay: sessionsPerUserDay(options.rate, world.users.count),
      concurrency: 16,
      signal: abort.signal,
      onError: () => {},
    });
    const running = simulator;
    trafficDone = running.run().catch((error: Error) => {
      console.error(`traffic stopped: ${error.message}`);
      return null;
    });
  }
  const report = setInterval(
    () => console.log(statusLines(clock(), simulator?.summary() ?? null, said)),
    REPORT_EVERY_SECONDS * 1000,
  );
  let stopping: Promise<void> | null = null;
  return {
    url,
    server: { ...server, url },
    stop() {
      stopping ??= (async () => {
        clearInterval(report);
        abort.abort();
        const last = await trafficDone;
        await controllerDone;
        await server.close();
        api.close();
        if (last) console.log(statusLines(clock(), last, said));
      })();
      return stopping;
    },
  };
}

async function listen(options: LiveDemoOptions): Promise<RunningServer & { url: string }> {
  const { workspace } = options;
  try {
    return await startServer(
      { registry: workspace.registryDir },
      ServeConfigSchema.parse({
        port: options.port,
        eventLog: workspace.eventLog,
        spillPath: workspace.spillPath,
        clock: options.clockSpec,
        rules: DEMO_RULE_OVERRIDES,
      }),
      { demo: true },
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new PalateError(
        `--port ${options.port}: the port is in use (another palate demo?); stop it or pass --port N (0 picks a free one)`,
      );
    }
    throw error;
  }
}
