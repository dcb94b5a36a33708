import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, Socket } from "node:net";

/** Where Debian installs the server; tests skip with this path in the message when it is absent. */
export const REDIS_SERVER_PATH = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";

/** Whether a real redis-server can be started here (tests skip with a clear message otherwise). */
export function redisAvailable(): boolean {
  return existsSync(REDIS_SERVER_PATH);
}

/** A free TCP port on 127.0.0.1, found by binding port 0 and closing. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((done) => {
      const socket = new Socket();
      socket.once("connect", () => {
        socket.destroy();
        done(true);
      });
      socket.once("error", () => done(false));
      socket.connect(port, "127.0.0.1");
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`redis-server did not listen on port ${port} within ${timeoutMs} ms`);
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

  private constructor(port: number, persistDir?: string) {
    this.port = port;
    this.persistDir = persistDir;
  }

  /** Starts a server on a free port. */
  static async start(options: { persistDir?: string } = {}): Promise<TestRedis> {
    const redis = new TestRedis(await freePort(), options.persistDir);
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
    const child = spawn(REDIS_SERVER_PATH, args, { stdio: "ignore" });
    this.child = child;
    child.once("exit", () => {
      if (this.child === child) this.child = null;
    });
    await waitForPort(this.port, 5000);
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
