import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, waitUntil } from "../core/ports.js";
import { ModelRegistry } from "../experiments/registry.js";
import { SERVE_NODE_FLAGS } from "../server/node-flags.js";
import { openStateStore } from "../storage/state/open-state-store.js";
import { ManagedProcess } from "./managed-process.js";
import { RedisProcess } from "./redis-process.js";
import { type RoundRobinProxy, startRoundRobinProxy } from "./round-robin-proxy.js";

/** What `palate cluster` starts. */
export interface ClusterOptions {
  /** Serving processes behind the proxy. */
  replicas: number;
  /** A trained version: registered as champion of a fresh registry under `dir`, its state in Redis. */
  model?: string;
  /** An existing registry to serve instead of `model` (its own state store unless `state` is given). */
  registry?: string;
  /** The registry's state store URL with `registry` (default: the registry's sqlite file). */
  state?: string;
  /** The proxy's port (0: a free one) and address. */
  port: number;
  host?: string;
  /** Working directory: per-replica configuration and spill files, and the registry made from `model`. */
  dir: string;
  /** Extra environment for the children (e.g. PALATE_ADMIN_TOKEN). */
  env?: NodeJS.ProcessEnv;
  /** Where the children's output lines go. */
  log?: (line: string) => void;
  /** How long a serving process may take to load its model and answer /readyz. */
  readyTimeoutMs?: number;
}

/** One serving process behind the proxy. */
export interface ReplicaInfo {
  name: string;
  url: string;
  pid: number | undefined;
}

/** A running local cluster. */
export interface Cluster {
  /** The proxy's base URL: what clients use. */
  url: string;
  redisUrl: string;
  registryDir: string;
  stateUrl: string;
  replicas: ReplicaInfo[];
  controllerPid: number | undefined;
  redisPid: number | undefined;
  proxy: RoundRobinProxy;
  /** SIGKILLs serving process `index` (a crash; the proxy is left to notice). */
  killReplica(index: number): Promise<void>;
  /** Stops the proxy, drains and reaps the serving processes, then the controller and Redis. */
  stop(): Promise<void>;
}

/**
 * How to run the palate CLI in a child: the compiled `dist/cli/main.js` when this module is
 * compiled, the TypeScript source through tsx when it runs from source (tests, `npm run cluster`).
 */
export function palateCommand(): { command: string; args: string[] } {
  const fromSource = import.meta.url.endsWith(".ts");
  const main = fileURLToPath(new URL(fromSource ? "../cli/main.ts" : "../cli/main.js", import.meta.url));
  // Every child runs with the serving V8 flags, as the image's entry point does.
  const flags = [...SERVE_NODE_FLAGS, ...(fromSource ? ["--import", "tsx"] : [])];
  return { command: process.execPath, args: [...flags, main] };
}

/** Registers `model` as the champion of a fresh registry whose state lives at `stateUrl`. */
async function registryFromModel(model: string, registryDir: string, stateUrl: string): Promise<void> {
  const store = await openStateStore(stateUrl);
  try {
    await new ModelRegistry(store, { dir: registryDir }).register(resolve(model), {
      actor: "cluster",
      reason: "palate cluster --model",
      champion: true,
    });
  } finally {
    await store.close();
  }
}

async function ready(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** Starts Redis, the registry (from `model`), one controller, N serving processes and the proxy. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  if (!Number.isInteger(options.replicas) || options.replicas < 1) {
    throw new Error(`replicas must be a whole number ≥ 1, got ${options.replicas}`);
  }
  if (Boolean(options.model) === Boolean(options.registry)) {
    throw new Error("give exactly one of a model (to register as champion) or a registry");
  }
  const log = options.log ?? (() => {});
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const palate = palateCommand();
  const env = { ...process.env, ...options.env };
  const start = (name: string, args: string[]) => {
    // Own process groups: a terminal's Ctrl-C reaches only the cluster, which then stops the
    // children in order (servers drain into Redis before Redis stops).
    const child = spawn(palate.command, [...palate.args, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env,
      detached: true,
    });
    return new ManagedProcess(name, child, log);
  };

  const redis = await RedisProcess.start(log);
  const serving: ManagedProcess[] = [];
  let controller: ManagedProcess | null = null;
  let proxy: RoundRobinProxy | null = null;
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= stopAll();
    return stopping;
  };
  const stopAll = async () => {
    await proxy?.close();
    // Serving processes first (SIGTERM drains their event queues into Redis), then the
    // controller, then Redis, which the others need until they are gone.
    await Promise.all(serving.map((p) => p.stop(15_000)));
    await controller?.stop(10_000);
    await redis.stop();
  };
  try {
    const registryDir = options.registry ? resolve(options.registry) : join(dir, "registry");
    const stateUrl = options.registry ? (options.state ?? `sqlite:${registryDir}/state.db`) : redis.url;
    if (options.model) await registryFromModel(options.model, registryDir, stateUrl);
    controller = start("controller", [
      "controller",
      ...["--registry", registryDir, "--state", stateUrl, "--event-log", redis.url],
    ]);
    const replicas: ReplicaInfo[] = [];
    for (let i = 0; i < options.replicas; i++) {
      const name = `serve-${i + 1}`;
      const port = await freePort();
      // Each replica its own spill file (two processes appending to one would interleave), and
      // the proxy's X-Forwarded-For believed, so per-client limits see clients, not the proxy.
      const config = join(dir, `${name}.json`);
      writeFileSync(
        config,
        JSON.stringify({ spillPath: join(dir, `${name}.spill.ndjson`), trustProxy: "127.0.0.1" }, null, 2),
      );
      const args = ["serve", "--registry", registryDir, "--state", stateUrl, "--redis", redis.url];
      args.push("--host", "127.0.0.1", "--port", String(port), "--config", config);
      const child = start(name, args);
      serving.push(child);
      replicas.push({ name, url: `http://127.0.0.1:${port}`, pid: child.pid });
    }
    const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
    await Promise.all(
      replicas.map((replica, i) =>
        Promise.race([
          waitUntil(() => ready(replica.url), readyTimeoutMs, `${replica.name} was not ready`),
          serving[i].exited.then((code) => {
            throw new Error(`${replica.name} exited (${code}) before it was ready:\n${serving[i].output()}`);
          }),
        ]),
      ),
    );
    await controller.waitFor(/controller .* watching/, readyTimeoutMs);
    proxy = await startRoundRobinProxy({
      backends: replicas.map((r) => r.url),
      port: options.port,
      host: options.host ?? "127.0.0.1",
    });
    return {
      url: proxy.url,
      redisUrl: redis.url,
      registryDir,
      stateUrl,
      replicas,
      controllerPid: controller.pid,
      redisPid: redis.pid,
      proxy,
      async killReplica(index) {
        const child = serving[index];
        if (!child) throw new Error(`no replica ${index}; there are ${serving.length}`);
        await child.kill();
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
