import { WorkerPool } from "../../math/worker-pool.js";
import { ALS_HANDLERS, type AlsTasks } from "./als-tasks.js";

/** Runs one batch of ALS tasks (one per thread) and resolves when all are done. */
export interface AlsExecutor {
  /** How many tasks each batch is split into. */
  readonly threads: number;
  run<H extends keyof AlsTasks>(handler: H, tasks: AlsTasks[H][]): Promise<void>;
  close(): Promise<void>;
}

/** The worker module, in the same flavour (.ts under tsx, .js when built) as this one. */
function alsWorkerUrl(): URL {
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  return new URL(`./als-worker${ext}`, import.meta.url);
}

/** A worker pool serving ALS tasks; reuse one across fits (e.g. a parameter grid) and close it. */
export function createAlsPool(threads: number): WorkerPool {
  return new WorkerPool(alsWorkerUrl(), threads);
}

/** Runs tasks on a pool's workers; closes the pool on `close` only when it owns it. */
export function poolExecutor(pool: WorkerPool, owned: boolean): AlsExecutor {
  return {
    threads: pool.size,
    async run(handler, tasks) {
      await pool.runAll(handler, (i) => tasks[i]);
    },
    async close() {
      if (owned) await pool.close();
    },
  };
}

/** Runs tasks one after another on the calling thread (small data, tests, no worker start-up). */
export function inlineExecutor(): AlsExecutor {
  return {
    threads: 1,
    async run(handler, tasks) {
      const fn = ALS_HANDLERS[handler] as (task: AlsTasks[typeof handler]) => void;
      for (const task of tasks) fn(task);
    },
    async close() {},
  };
}
