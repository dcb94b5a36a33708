import { Command } from "commander";
import { resolveServeConfig } from "../../server/serve-config.js";
import { type RunningServer, startServer } from "../../server/server.js";
import { intOption } from "../option-parsers.js";

interface ServeFlags {
  model: string;
  port?: number;
  host?: string;
  redis?: string;
  featureStore?: string;
  eventLog?: string;
  config?: string;
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
export function printExampleRequests(server: RunningServer, userId: string, itemId: string): void {
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
    .description("serve a hybrid model version over HTTP (recommendations, events, KServe v2, metrics)")
    .requiredOption("--model <dir>", "model version directory (palate train --out)")
    .option("--port <n>", "port to listen on (default 8080)", intOption(0, 65_535))
    .option("--host <addr>", "address to bind (default 0.0.0.0)")
    .option("--redis <url>", "Redis for the feature store and the event log (redis://host:port)")
    .option("--feature-store <url>", "feature store URL (memory: or redis://…), overrides --redis")
    .option("--event-log <url>", "event log URL (sqlite:PATH or redis://…), overrides --redis")
    .option("--config <file>", "JSON configuration (see README: serving configuration)")
    .action(async (flags: ServeFlags) => {
      const config = resolveServeConfig(flags.config, {
        port: flags.port,
        host: flags.host,
        featureStore: flags.featureStore ?? flags.redis,
        eventLog: flags.eventLog ?? flags.redis,
      });
      const server = await startServer(flags.model, config);
      closeOnSignals(server);
      // SIGHUP reloads --model (e.g. a symlink switched to a new version); a bad version is
      // reported and the current one keeps serving.
      process.on("SIGHUP", () => {
        server
          .reload(flags.model)
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
