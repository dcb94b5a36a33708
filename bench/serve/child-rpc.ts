/**
 * Request/response calls to the benchmark's child processes over Node's IPC channel. The server,
 * the bare route and each load generator run in processes of their own, so the load is generated
 * outside the process under test, as the issue asks.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

interface CallMessage {
  id: number;
  type: string;
  payload: unknown;
}

interface ReplyMessage {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** A child process running a module that called `serveRpc`. */
export class ChildRpc {
  readonly name: string;
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited = false;

  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.child = child;
    child.on("message", (message: ReplyMessage) => {
      const call = this.pending.get(message.id);
      if (!call) return;
      this.pending.delete(message.id);
      if (message.ok) call.resolve(message.result);
      else call.reject(new Error(`${name}: ${message.error}`));
    });
    child.once("exit", (code, signal) => {
      this.exited = true;
      for (const call of this.pending.values()) {
        call.reject(new Error(`${name} exited (code ${code}, signal ${signal}) with a call pending`));
      }
      this.pending.clear();
    });
  }

  /** Forks `module` (a .ts file run through tsx, with `nodeFlags`) with its output on this process's stderr. */
  static start(name: string, module: URL, nodeFlags: readonly string[] = []): ChildRpc {
    const child = fork(fileURLToPath(module), [], {
      execArgv: [...nodeFlags, "--import", "tsx"],
      // The children's stdout would mix with the benchmark's JSON: send it to stderr.
      stdio: ["ignore", 2, "inherit", "ipc"],
    });
    return new ChildRpc(name, child);
  }

  /** The child's process id (to report it; it is stopped through `stop`). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Calls the child's handler `type` and resolves with its result. */
  call<T>(type: string, payload: unknown = null): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, type, payload } satisfies CallMessage);
    });
  }

  /** Asks the child to clean up and exit; kills it if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((done) => this.child.once("exit", () => done()));
    this.call("exit").catch(() => {});
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** Handlers of a child process, by call type; `exit` is reserved (it runs `onExit`, then exits). */
export type RpcHandlers = Record<string, (payload: never) => unknown>;

/** Answers the parent's calls in a child process started by `ChildRpc.start`. */
export function serveRpc(handlers: RpcHandlers, onExit: () => Promise<void> = async () => {}): void {
  const reply = (message: ReplyMessage) => process.send?.(message);
  process.on("message", async (message: CallMessage) => {
    if (message.type === "exit") {
      await onExit().catch((error) => console.error(`cleanup failed: ${(error as Error).message}`));
      reply({ id: message.id, ok: true });
      process.exit(0);
    }
    const handler = handlers[message.type];
    try {
      if (!handler) throw new Error(`no handler for '${message.type}'`);
      const result = await handler(message.payload as never);
      reply({ id: message.id, ok: true, result });
    } catch (error) {
      reply({ id: message.id, ok: false, error: (error as Error).stack ?? String(error) });
    }
  });
  // Without a parent there is no one to stop this process: leave with it.
  process.on("disconnect", () => process.exit(0));
}
