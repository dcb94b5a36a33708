import { Command } from "commander";
import { intOption } from "../cli/option-parsers.js";
import { InputError } from "../core/errors.js";
import { startCluster } from "./cluster.js";

interface ClusterFlags {
  replicas: number;
  model?: string;
  registry?: string;
  state?: string;
  port: number;
  host: string;
  dir: string;
  quiet?: boolean;
}

/** `palate cluster`: Redis, a controller and N serving processes behind a round-robin proxy, on one machine. */
export function clusterCommand(): Command {
  return new Command("cluster")
    .description(
      "run a local cluster: redis-server, one controller, N serving processes sharing Redis, a round-robin proxy in front",
    )
    .option("--replicas <n>", "serving processes", intOption(1, 64), 2)
    .option(
      "--model <dir>",
      "a trained version: registered as the champion of a fresh registry kept in Redis",
    )
    .option("--registry <dir>", "serve an existing registry instead (its own state store unless --state)")
    .option("--state <url>", "with --registry: its state store URL (default sqlite:REGISTRY/state.db)")
    .option("--port <n>", "the proxy's port", intOption(0, 65_535), 8080)
    .option("--host <addr>", "the proxy's address", "127.0.0.1")
    .option(
      "--dir <dir>",
      "working directory: replica configs, spill files, the registry made from --model",
      ".palate/cluster",
    )
    .option("--quiet", "do not print the children's output")
    .addHelpText(
      "after",
      `
Every serving process is 'palate serve --registry DIR --state URL --redis URL' on a free port;
the proxy (default http://127.0.0.1:8080) sends each request to the next one, skips one that
refuses connections, and reports its errors per backend at /proxy/stats. Ctrl-C or SIGTERM drains
the serving processes' event queues into Redis and stops every child. Admin routes need
PALATE_ADMIN_TOKEN in the environment (the children inherit it).`,
    )
    .action(async (flags: ClusterFlags) => {
      if (Boolean(flags.model) === Boolean(flags.registry)) {
        throw new InputError(
          { source: "palate cluster" },
          "give exactly one of --model DIR or --registry DIR",
        );
      }
      if (flags.state && !flags.registry) {
        throw new InputError(
          { source: "--state" },
          "only with --registry (with --model the state lives in Redis)",
        );
      }
      const cluster = await startCluster({
        replicas: flags.replicas,
        model: flags.model,
        registry: flags.registry,
        state: flags.state,
        port: flags.port,
        host: flags.host,
        dir: flags.dir,
        log: flags.quiet ? undefined : (line) => console.log(line),
      });
      const replicas = cluster.replicas.map((r) => `${r.url} (pid ${r.pid})`).join(", ");
      console.log(`cluster ready: proxy ${cluster.url} → ${replicas}`);
      console.log(
        `  controller pid ${cluster.controllerPid} · redis ${cluster.redisUrl} (pid ${cluster.redisPid})`,
      );
      console.log(`  registry ${cluster.registryDir} (state ${cluster.stateUrl})`);
      console.log(
        `  curl '${cluster.url}/v1/recommendations?user_id=u1&k=5'    curl ${cluster.url}/proxy/stats`,
      );
      await new Promise<void>((resolveSignal) => {
        const stop = (signal: string) => {
          console.log(`${signal}: draining the serving processes and stopping the cluster …`);
          resolveSignal();
        };
        process.once("SIGINT", () => stop("SIGINT"));
        process.once("SIGTERM", () => stop("SIGTERM"));
      });
      await cluster.stop();
      console.log("cluster stopped");
    });
}
