import { PalateError } from "../../core/errors.js";
import { ANN_DEFAULTS, AnnIndex, checkHnswParams } from "./ann-index.js";
import { type AnnBuildReport, BackgroundAnnIndex } from "./background-index.js";
import { ExactIndex } from "./exact-index.js";
import type { HnswParams } from "./inner-product-graph.js";
import { ItemRows } from "./item-rows.js";
import type { VectorIndex } from "./vector-index.js";

/**
 * Multiply-adds per query below which the exact scan serves (≈ 0.2 ms of JavaScript). HNSW
 * answers faster at any size measured (0.07 ms against 0.4 ms at 1,000 items × 407 dims), and at
 * 1,000 requests/s a 1–2 ms scan alone would take a whole core (bench:serve), so the scan is kept
 * only for catalogues small enough that it costs no more than a graph search and needs no
 * build: 491 items at 407 dims, 3,125 at 64 dims.
 */
export const EXACT_WORK_BUDGET = 200_000;

/** How the serving index is chosen and tuned. */
export interface IndexOptions extends Partial<HnswParams> {
  /** Catalogues with fewer items use the exact scan (default: EXACT_WORK_BUDGET / dims). */
  exactBelow?: number;
  /**
   * Build the ANN in a worker thread while the exact scan serves (default true); false builds
   * it before returning, blocking this thread (≈ 0.4 ms an item at 407 dims).
   */
  background?: boolean;
  /** Called when a background build ends (to log it; an error leaves the exact scan serving). */
  onAnnReady?: (report: AnnBuildReport) => void;
}

/** The item count from which `buildVectorIndex` uses the ANN for rows of `dims` values. */
export function exactThreshold(dims: number, options: IndexOptions = {}): number {
  return options.exactBelow ?? Math.ceil(EXACT_WORK_BUDGET / dims);
}

/**
 * The candidate index of the hybrid's item matrix (nItems × dims, row-major; not copied until an
 * upsert): the exact scan for small catalogues, HNSW above the threshold.
 */
export function buildVectorIndex(
  matrix: Float32Array,
  nItems: number,
  dims: number,
  options: IndexOptions = {},
): VectorIndex {
  const rows = new ItemRows(matrix, nItems, dims);
  const threshold = exactThreshold(dims, options);
  if (!Number.isInteger(threshold) || threshold < 0) {
    throw new PalateError(`vector index: exactBelow must be an integer ≥ 0, got ${threshold}`);
  }
  if (nItems < threshold) return new ExactIndex(rows);
  const params: HnswParams = {
    m: options.m ?? ANN_DEFAULTS.m,
    efConstruction: options.efConstruction ?? ANN_DEFAULTS.efConstruction,
    efSearch: options.efSearch ?? ANN_DEFAULTS.efSearch,
  };
  checkHnswParams(params);
  if (options.background === false) return AnnIndex.build(rows, params);
  const index = new BackgroundAnnIndex(rows, params);
  void index.ready.then((report) => options.onAnnReady?.(report));
  return index;
}
