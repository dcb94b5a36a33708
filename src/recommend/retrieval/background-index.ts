import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WorkerPool } from "../../math/worker-pool.js";
import type { AnnBuildJob } from "./ann-build-worker.js";
import { ANN_LIBRARY, AnnIndex } from "./ann-index.js";
import { ExactIndex } from "./exact-index.js";
import type { HnswParams } from "./inner-product-graph.js";
import type { ItemRows } from "./item-rows.js";
import type { SearchResult, VectorIndex } from "./vector-index.js";

/** The worker module, in the same flavour (.ts under tsx, .js when built) as this one. */
const WORKER_URL = new URL(
  `./ann-build-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
  import.meta.url,
);

/** How a background build ended: its duration, and the error if the exact scan keeps serving. */
export interface AnnBuildReport {
  seconds: number;
  error?: Error;
}

/**
 * An index that serves the exact scan at once and switches to the ANN when a worker thread has
 * built it: a 100k-item HNSW takes tens of seconds, too long to hold a server's start or block
 * its event loop. Upserts made during the build go to the exact scan and are replayed onto the
 * ANN before the switch. A failed build leaves the exact scan serving (slower, still correct).
 */
export class BackgroundAnnIndex implements VectorIndex {
  readonly rows: ItemRows;
  /** Settles when the build has ended either way; never rejects. */
  readonly ready: Promise<AnnBuildReport>;
  private readonly exact: ExactIndex;
  private ann: AnnIndex | null = null;
  private readonly pending = new Set<number>();
  private readonly pool: WorkerPool;

  constructor(rows: ItemRows, params: HnswParams) {
    this.rows = rows;
    this.exact = new ExactIndex(rows);
    this.pool = new WorkerPool(WORKER_URL, 1);
    this.ready = this.build(params);
  }

  get size(): number {
    return this.rows.size;
  }

  get dims(): number {
    return this.rows.dims;
  }

  /** Whether searches go to the ANN yet. */
  get annReady(): boolean {
    return this.ann !== null;
  }

  search(query: Float32Array, k: number): SearchResult {
    return (this.ann ?? this.exact).search(query, k);
  }

  upsert(index: number, vector: Float32Array): void {
    if (this.ann) {
      this.ann.upsert(index, vector);
      return;
    }
    this.exact.upsert(index, vector);
    this.pending.add(index);
  }

  /** Stops a build still running (its worker would otherwise keep the process alive). */
  async close(): Promise<void> {
    await this.pool.close();
  }

  private async build(params: HnswParams): Promise<AnnBuildReport> {
    const started = performance.now();
    let dir: string | null = null;
    try {
      dir = await mkdtemp(join(tmpdir(), "palate-ann-"));
      const n = this.rows.size;
      // Posting a view clones its whole buffer: send exactly the rows of the snapshot.
      const file = join(dir, `graph.${ANN_LIBRARY.name}`);
      const job: AnnBuildJob = {
        matrix: this.rows.matrix.slice(0, n * this.rows.dims),
        nItems: n,
        dims: this.rows.dims,
        params,
        file,
      };
      await this.pool.runOn<void>(0, "buildAnn", job);
      const graph = await ANN_LIBRARY.load(file, this.rows.dims, params);
      const ann = AnnIndex.fromGraph(this.rows, ANN_LIBRARY, graph);
      // The items the snapshot missed or holds stale: no await from here to the switch.
      for (const index of this.pending) ann.upsert(index, this.rows.row(index).slice());
      this.pending.clear();
      this.ann = ann;
      return { seconds: (performance.now() - started) / 1000 };
    } catch (error) {
      return {
        seconds: (performance.now() - started) / 1000,
        error: error instanceof Error ? error : new Error(String(error)),
      };
    } finally {
      await this.pool.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }
}
