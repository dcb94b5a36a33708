import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/** A request to a worker: the handler name and its (structured-cloneable) argument. */
interface Job {
  id: number;
  handler: string;
  arg: unknown;
}

/**
 * A fixed pool of worker threads running one handler module. Kernels pass SharedArrayBuffers
 * in their arguments, so workers read and write the same memory and only ranges travel.
 */
export class WorkerPool {
  readonly size: number;
  private readonly workers: Worker[];
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  /**
   * Starts `size` workers on `moduleUrl` (a module that calls `serveHandlers`). Under tsx the
   * module is TypeScript, so workers inherit the loader through execArgv.
   */
  constructor(moduleUrl: URL, size = defaultThreads()) {
    this.size = size;
    this.workers = Array.from({ length: size }, () => {
      const worker = startWorker(moduleUrl);
      worker.on("message", (msg: { id: number; result?: unknown; error?: string }) => {
        const entry = this.pending.get(msg.id);
        if (!entry) return;
        this.pending.delete(msg.id);
        if (msg.error !== undefined) entry.reject(new Error(msg.error));
        else entry.resolve(msg.result);
      });
      worker.on("error", (error) => {
        for (const entry of this.pending.values()) entry.reject(error);
        this.pending.clear();
      });
      return worker;
    });
  }

  /** Runs `handler(arg)` on worker `index` (0 ≤ index < size). */
  runOn<T>(index: number, handler: string, arg: unknown): Promise<T> {
    const id = this.nextId++;
    const job: Job = { id, handler, arg };
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.workers[index].postMessage(job);
    });
  }

  /** Runs `handler` on every worker with the argument `argFor(index)` and waits for all. */
  runAll<T>(handler: string, argFor: (index: number) => unknown): Promise<T[]> {
    return Promise.all(this.workers.map((_, i) => this.runOn<T>(i, handler, argFor(i))));
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Starts a worker on `moduleUrl`. Tests and benchmarks run from TypeScript source, and Node 20
 * does not apply `--import tsx` to a worker's entry module, so a .ts module is loaded through a
 * bootstrap that registers tsx first; the built package runs compiled .js directly.
 */
function startWorker(moduleUrl: URL): Worker {
  if (!moduleUrl.pathname.endsWith(".ts")) return new Worker(moduleUrl);
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const entry = JSON.stringify(moduleUrl.href);
  const bootstrap = `import(${tsx}).then((m) => { m.register(); return import(${entry}); })
    .catch((error) => { console.error(error); process.exit(1); });`;
  return new Worker(bootstrap, { eval: true });
}

/** Worker threads to use by default: one per core, overridable with PALATE_THREADS. */
export function defaultThreads(): number {
  const fromEnv = Number(process.env["PALATE_THREADS"]);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.max(1, availableParallelism());
}

/** Splits [0, n) into `parts` contiguous ranges of near-equal size. */
export function splitRange(n: number, parts: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let p = 0; p < parts; p++)
    ranges.push([Math.floor((n * p) / parts), Math.floor((n * (p + 1)) / parts)]);
  return ranges;
}

/**
 * Splits the rows of a CSR matrix into `parts` ranges holding near-equal numbers of entries,
 * so threads get equal work on power-law data where a few rows hold most entries.
 */
export function splitByNonzeros(indptr: Int32Array, parts: number): Array<[number, number]> {
  const nRows = indptr.length - 1;
  const total = indptr[nRows];
  const ranges: Array<[number, number]> = [];
  let start = 0;
  for (let p = 1; p <= parts; p++) {
    const target = (total * p) / parts;
    let end = start;
    while (end < nRows && indptr[end] < target) end++;
    if (p === parts) end = nRows;
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}
