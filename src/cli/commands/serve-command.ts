import { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { checkProductionToken } from "../../server/admin-auth.js";
import { resolveServeConfig } from "../../server/serve-config.js";
import { type RunningServer, startServer } from "../../server/server.js";
import { intOption } from "../option-parsers.js";

interface ServeFlags {
  model?: string;
  registry?: string;
  state?: string;
  clock?: string;
  port?: number;
  host?: string;
  redis?: string;
  featureStore?: string;
  eventLog?: string;
  config?: string;
  spill?: string;
  production?: boolean;
}

/** Stops the server on SIGTERM/SIGINT after draining the event queue (Kubernetes sends SIGTERM). */
export function closeOnSignals(server: RunningServer): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: draining events and shutting down …`);
    server.close().then(
      () => process.exit(0),
      (error) => {
        console.error(`palate: shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

/** Prints curl lines a newcomer can paste. */
export function printExampleRequests(
  server: RunningServer & { url: string },
  userId: string,
  itemId: string,
): void {
  const base = server.url.replace("0.0.0.0", "localhost").replace("[::]", "localhost");
  console.log(`Serving ${server.context.service?.model.version} at ${base}`);
  console.log("Try:");
  console.log(`  curl '${base}/v1/recommendations?user_id=${userId}&k=5'`);
  console.log(`  curl '${base}/v1/items/${itemId}/similar?k=5'`);
  console.log(
    `  curl -X POST ${base}/v1/events -H 'content-type: application/json' -d '{"type":"click","user_id":"${userId}","item_id":"${itemId}"}'`,
  );
  console.log(`  curl ${base}/metrics    curl ${base}/docs/openapi.json`);
}

/** `palate serve`: the recommendation API over one model version. */
export function serveCommand(): Command {
  return new Command("serve")
    .description("serve a hybrid model version, or a registry's champion and canary, over HTTP")
    .option("--model <dir>", "one model version directory (palate train --out)")
    .option("--registry <dir>", "a model registry: serve its champion and canary, following promotions")
    .option(
      "--state <url>",
      "the registry's state store (default sqlite:REGISTRY/state.db; redis://… to share)",
    )
    .option(
      "--clock <spec>",
      "system, or a simulation's shared clock sim:START,ANCHOR_MS,SPEED (env PALATE_CLOCK)",
    )
    .option("--port <n>", "port to listen on (default 8080)", intOption(0, 65_535))
    .option("--host <addr>", "address to bind (default 0.0.0.0)")
    .option("--redis <url>", "Redis for the feature store and the event log (redis://host:port)")
    .option("--feature-store <url>", "feature store URL (memory: or redis://…), overrides --redis")
    .option("--event-log <url>", "event log URL (sqlite:PATH or redis://…), overrides --redis")
    .option("--config <file>", "JSON configuration (see README: serving configuration)")
    .option(
      "--spill <path>",
      "file the event queue spills to while the event log is down (default palate-events.spill.ndjson); one per process",
    )
    .option(
      "--production",
      "production mode: refuse to start without PALATE_ADMIN_TOKEN (also NODE_ENV=production)",
    )
    .action(async (flags: ServeFlags) => {
      if (Boolean(flags.model) === Boolean(flags.registry)) {
        throw new InputError({ source: "palate serve" }, "give exactly one of --model DIR or --registry DIR");
      }
      const config = resolveServeConfig(flags.config, {
        clock: flags.clock ?? process.env.PALATE_CLOCK,
        port: flags.port,
        host: flags.host,
        featureStore: flags.featureStore ?? flags.redis,
        eventLog: flags.eventLog ?? flags.redis,
        spillPath: flags.spill,
        production: flags.production,
      });
      checkProductionToken(config);
      const target = flags.model
        ? { model: flags.model }
        : { registry: flags.registry as string, state: flags.state };
      const server = await startServer(target, config);
      closeOnSignals(server);
      // SIGHUP reloads --model (e.g. a symlink switched to a new version); a bad version is
      // reported and the current one keeps serving. A registry is followed by polling instead.
      const modelDir = flags.model;
      if (modelDir)
        process.on("SIGHUP", () => {
          server
            .reload(modelDir)
            .then((result) =>
              console.log(
                result.ok
                  ? `reloaded: serving ${result.version}`
                  : `reload failed, still serving: ${result.error}`,
              ),
            );
        });
      const model = server.context.service?.model;
      printExampleRequests(server, model?.users.idAt(0) ?? "u1", model?.catalog.ids.idAt(0) ?? "i1");
    });
}
