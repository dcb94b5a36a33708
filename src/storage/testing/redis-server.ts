import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { freePort, portOpen, waitUntil } from "../../core/ports.js";

/** Where Debian installs the server; tests skip with this path in the message when it is absent. */
export const REDIS_SERVER_PATH = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";

/** Whether a real redis-server can be started here (tests skip with a clear message otherwise). */
export function redisAvailable(): boolean {
  return existsSync(REDIS_SERVER_PATH);
}

export { freePort };

/** An RDB file the server loads at start (when it exists) and `SAVE` writes. */
export interface RedisSnapshotFile {
  dir: string;
  file: string;
}

/** How a test server keeps its data: an append-only file (survives kill) or a snapshot file. */
export interface TestRedisOptions {
  persistDir?: string;
  snapshot?: RedisSnapshotFile;
}

/**
 * A real redis-server on a free port, owned by a test: it can be killed (SIGKILL, as a crash)
 * and started again on the same port, so clients see an outage and a recovery. Nothing is
 * persisted, so a restart comes back empty unless `persistDir` is given (AOF on).
 */
export class TestRedis {
  readonly port: number;
  private child: ChildProcess | null = null;
  private readonly persistDir?: string;
  private readonly snapshot?: RedisSnapshotFile;

  private constructor(port: number, options: TestRedisOptions) {
    this.port = port;
    this.persistDir = options.persistDir;
    this.snapshot = options.snapshot;
  }

  /** Starts a server on a free port. */
  static async start(options: TestRedisOptions = {}): Promise<TestRedis> {
    const redis = new TestRedis(await freePort(), options);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Starts the server again (after kill) on the same port. */
  async restart(): Promise<void> {
    if (this.child) return;
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", ""];
    if (this.persistDir)
      args.push("--dir", this.persistDir, "--appendonly", "yes", "--appendfsync", "always");
    else args.push("--appendonly", "no");
    if (this.snapshot) args.push("--dir", this.snapshot.dir, "--dbfilename", this.snapshot.file);
    const child = spawn(REDIS_SERVER_PATH, args, { stdio: "ignore" });
    this.child = child;
    child.once("exit", () => {
      if (this.child === child) this.child = null;
    });
    await waitUntil(() => portOpen(this.port), 5000, `redis-server did not listen on port ${this.port}`);
  }

  /** Kills the server abruptly (SIGKILL) and waits for the process to exit. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    await new Promise<void>((done) => {
      child.once("exit", () => done());
      child.kill("SIGKILL");
    });
  }

  /** Stops the server for good. */
  async stop(): Promise<void> {
    await this.kill();
  }
}
