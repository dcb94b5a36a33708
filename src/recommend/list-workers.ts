import { defaultThreads, WorkerPool } from "../math/worker-pool.js";
import type { ListWorkerSetup } from "./list-worker.js";

/** The worker module, in the same flavour (.ts under tsx, .js when built) as this one. */
const WORKER_URL = new URL(
  `./list-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
  import.meta.url,
);

/**
 * Worker threads computing precomputed candidate lists for `palate features push`: one list is
 * an index search of ≈ 0.5–1 ms at 100k items, so a million users take one core ≈ 10 minutes.
 * Each worker holds its own copy of the model and index (a native graph cannot be shared between
 * threads): memory grows by about one serving process per thread.
 */
export class ListWorkers {
  readonly threads: number;
  private readonly pool: WorkerPool;
  private next = 0;

  private constructor(pool: WorkerPool) {
    this.pool = pool;
    this.threads = pool.size;
  }

  /** Starts `threads` workers, each loading `modelDir` and building its index. */
  static async start(modelDir: string, size: number, threads = defaultThreads()): Promise<ListWorkers> {
    const pool = new WorkerPool(WORKER_URL, threads);
    try {
      await pool.runAll<void>("open", (): ListWorkerSetup => ({ modelDir, size }));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return new ListWorkers(pool);
  }

  /** The encoded lists of training users [start, end), computed on the next worker in turn. */
  lists(start: number, end: number): Promise<Uint8Array[]> {
    const worker = this.next;
    this.next = (this.next + 1) % this.threads;
    return this.pool.runOn<Uint8Array[]>(worker, "lists", [start, end]);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
