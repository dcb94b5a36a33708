import type { ChildProcess } from "node:child_process";

/** Output kept per process for error messages (the tail matters, not the whole log). */
const KEEP_CHARS = 20_000;

/**
 * A child process of the cluster: its output goes line by line to `log` prefixed with its name,
 * the tail is kept for error messages, and stopping it means SIGTERM, a grace period, SIGKILL,
 * and waiting for the exit — so no child outlives the cluster.
 */
export class ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code, or the signal's name, once the process has ended. */
  readonly exited: Promise<number | string>;
  private tail = "";
  private ended = false;

  constructor(name: string, child: ChildProcess, log: (line: string) => void) {
    this.name = name;
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.ended = true;
        resolve(code ?? signal ?? "unknown");
      });
    });
    let partial = "";
    const append = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      this.tail = (this.tail + text).slice(-KEEP_CHARS);
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) log(`[${name}] ${line}`);
    };
    child.stdout?.on("data", append);
    child.stderr?.on("data", append);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.ended;
  }

  /** The last output (stdout and stderr interleaved). */
  output(): string {
    return this.tail;
  }

  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = this.tail.match(pattern);
      if (match) return match;
      if (this.ended) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const why = this.ended ? "exited" : `did not within ${timeoutMs} ms`;
    throw new Error(`${this.name} ${why} before printing ${pattern}:\n${this.tail}`);
  }

  /** Kills at once (SIGKILL, as a crash) and waits for the exit. */
  async kill(): Promise<number | string> {
    if (this.ended) return this.exited;
    this.child.kill("SIGKILL");
    return this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  async stop(graceMs: number): Promise<number | string> {
    if (this.ended) return this.exited;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
