import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { RetrainResult, RetrainSpec } from "./retrain-job.js";

/** Where a retrain is: none, running, or finished with a result or an error (until taken). */
export type RetrainStatus =
  | { state: "idle" }
  | { state: "running"; startedAt: number }
  | { state: "done"; result: RetrainResult }
  | { state: "failed"; error: string };

/**
 * Runs at most one retrain at a time in a child process (`retrain-child.ts`), off the
 * controller's event loop and out of the serving processes. The controller polls `status()` at
 * each tick, takes the outcome with `take()`, and kills the child (`stop()`) when it loses the
 * lease, so a retrain only ever finishes under the leader that started it.
 */
export class RetrainRunner {
  private child: ChildProcess | null = null;
  private status_: RetrainStatus = { state: "idle" };
  private finished: Promise<void> = Promise.resolve();

  constructor(private readonly timeoutMs = 3_600_000) {}

  status(): RetrainStatus {
    return this.status_;
  }

  /** Starts a retrain; refuses while one is running or its outcome has not been taken. */
  start(spec: RetrainSpec): void {
    if (this.status_.state !== "idle") throw new Error(`a retrain is already ${this.status_.state}`);
    const entry = new URL("./retrain-child.js", import.meta.url);
    const ts = new URL("./retrain-child.ts", import.meta.url);
    // From TypeScript sources (tests, `tsx`), the child needs tsx's loader; the build runs .js.
    const fromSource = import.meta.url.endsWith(".ts");
    const child = fork(fileURLToPath(fromSource ? ts : entry), [JSON.stringify(spec)], {
      // Resolved here, so the child finds tsx whatever its working directory.
      execArgv: fromSource ? ["--import", import.meta.resolve("tsx")] : [],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child = child;
    this.status_ = { state: "running", startedAt: Date.now() };
    let outcome: RetrainStatus | null = null;
    child.on("message", (m: { ok: boolean; result?: RetrainResult; error?: string }) => {
      outcome = m.ok
        ? { state: "done", result: m.result as RetrainResult }
        : { state: "failed", error: m.error ?? "unknown error" };
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), this.timeoutMs);
    this.finished = new Promise<void>((resolve) => {
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        if (this.child === child) {
          this.child = null;
          this.status_ = outcome ?? {
            state: "failed",
            error: `the retrain process exited (${signal ?? `code ${code}`}) without a result`,
          };
        }
        resolve();
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        if (this.child === child) {
          this.child = null;
          this.status_ = { state: "failed", error: error.message };
        }
        resolve();
      });
    });
  }

  /** Returns a finished outcome and goes back to idle; null while idle or running. */
  take(): RetrainResult | { error: string } | null {
    const s = this.status_;
    if (s.state === "done" || s.state === "failed") {
      this.status_ = { state: "idle" };
      return s.state === "done" ? s.result : { error: s.error };
    }
    return null;
  }

  /** Resolves when the running retrain (if any) has exited; for tests and shutdown. */
  settled(): Promise<void> {
    return this.finished;
  }

  /** Kills a running retrain and forgets any outcome (the leader that started it is gone). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    this.status_ = { state: "idle" };
    if (child) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGKILL");
      await exited;
    }
  }
}
