import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { freePort, portOpen, waitUntil } from "../core/ports.js";
import { ManagedProcess } from "./managed-process.js";

/** Where Debian installs the server (override with REDIS_SERVER). */
export const REDIS_SERVER_PATH = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";

/**
 * A redis-server owned by the local cluster: loopback only, on a free port, nothing persisted
 * (the cluster's state is rebuilt at every start, like a test's).
 */
export class RedisProcess {
  readonly port: number;
  private readonly process: ManagedProcess;

  private constructor(port: number, process: ManagedProcess) {
    this.port = port;
    this.process = process;
  }

  static async start(log: (line: string) => void = () => {}): Promise<RedisProcess> {
    if (!existsSync(REDIS_SERVER_PATH)) {
      throw new Error(`no redis-server at ${REDIS_SERVER_PATH} (install redis-server or set REDIS_SERVER)`);
    }
    const port = await freePort();
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
    args.push("--loglevel", "warning");
    const child = new ManagedProcess(
      "redis",
      // Its own process group, so a terminal's Ctrl-C does not stop it before the servers drain.
      spawn(REDIS_SERVER_PATH, args, { stdio: ["ignore", "pipe", "pipe"], detached: true }),
      log,
    );
    await Promise.race([
      waitUntil(() => portOpen(port), 10_000, `redis-server did not listen on port ${port}`),
      child.exited.then((code) => {
        throw new Error(`redis-server exited (${code}) before listening:\n${child.output()}`);
      }),
    ]);
    return new RedisProcess(port, child);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** SIGTERM (nothing to save), then SIGKILL if it lingers. */
  stop(): Promise<number | string> {
    return this.process.stop(5000);
  }
}
