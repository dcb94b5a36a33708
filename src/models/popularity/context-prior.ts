import { PalateError } from "../../core/errors.js";
import { MEAL_PERIODS } from "../../data/city/constants.js";
import { firstInOrder } from "../../math/partial-sort.js";
import type { Artifact } from "../artifact/artifact-reader.js";
import type { MatrixData } from "../artifact/artifact-writer.js";

/** Kilometres per degree of latitude (mean Earth radius). */
const KM_PER_DEGREE = 111.195;

/** Stands for "any" in a context's cell or meal period: the aggregate over that dimension. */
export const ANY = -1;

/** The meal periods a context can name (the city's clock: indices into MEAL_PERIODS). */
export const PERIOD_COUNT = MEAL_PERIODS.length;

/** The square grid of location cells, on a plane fixed at a reference latitude. */
export interface CellGrid {
  /** Latitude whose cosine scales longitude to kilometres (the mean latitude of the data). */
  refLat: number;
  /** Side of a cell, in km. */
  cellKm: number;
}

/** A cell of the grid by its integer coordinates. */
export interface Cell {
  x: number;
  y: number;
}

/** The cell holding a location. */
export function cellOf(grid: CellGrid, lat: number, lon: number): Cell {
  const xKm = lon * KM_PER_DEGREE * Math.cos((grid.refLat * Math.PI) / 180);
  const yKm = lat * KM_PER_DEGREE;
  return { x: Math.floor(xKm / grid.cellKm), y: Math.floor(yKm / grid.cellKm) };
}

/** What a request knows of its context; either part may be missing. */
export interface RequestContext {
  lat?: number;
  lon?: number;
  /** Meal period index (see `periodAt`). */
  period?: number;
}

/** One trained context: a cell (or ANY) × a meal period (or ANY). */
export interface ContextKey {
  cell: Cell | null;
  period: number;
}

/** The string key of a context, for lookups. */
export function contextKeyString(key: ContextKey): string {
  return `${key.cell ? `${key.cell.x},${key.cell.y}` : "*"}|${key.period}`;
}

/**
 * The per-context popularity prior: for each context c (location cell × meal period, and the
 * aggregates cell × any period and any cell × period) the distinct users n(c, i) who met item i
 * there, smoothed towards the global popularity share π(i) with strength β (additive Dirichlet
 * shrinkage, as in Bayesian estimation of a multinomial):
 *
 *   p(i | c) = (n(c, i) + β·π(i)) / (N(c) + β)
 *
 * A busy context is ranked by its own counts; a context seen a handful of times stays close to
 * the global order. Counts are a sparse contexts × items matrix (CSR, indices ascending).
 */
export class ContextPrior {
  readonly grid: CellGrid;
  /** β, in pseudo-users: how many users' worth of global popularity each context starts with. */
  readonly strength: number;
  /** Per context: [hasCell, x, y, period], period ANY for the aggregate over periods. */
  readonly contexts: Int32Array;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly counts: Float32Array;
  /** π(i): the global popularity share of each item (sums to 1). */
  readonly globalShare: Float32Array;
  private readonly byKey = new Map<string, number>();
  private readonly totals: Float64Array;
  /** Items by descending global share, ties by index (the fallback order of every context). */
  private readonly globalOrder: Int32Array;

  constructor(state: {
    grid: CellGrid;
    strength: number;
    contexts: Int32Array;
    indptr: Int32Array;
    indices: Int32Array;
    counts: Float32Array;
    globalShare: Float32Array;
  }) {
    this.grid = state.grid;
    this.strength = state.strength;
    this.contexts = state.contexts;
    this.indptr = state.indptr;
    this.indices = state.indices;
    this.counts = state.counts;
    this.globalShare = state.globalShare;
    const n = this.contextCount;
    this.totals = new Float64Array(n);
    for (let c = 0; c < n; c++) {
      this.byKey.set(contextKeyString(this.keyAt(c)), c);
      for (let e = this.indptr[c]; e < this.indptr[c + 1]; e++) this.totals[c] += this.counts[e];
    }
    const share = this.globalShare;
    this.globalOrder = Int32Array.from(share.keys()).sort((a, b) => share[b] - share[a] || a - b);
  }

  get contextCount(): number {
    return this.indptr.length - 1;
  }

  get itemCount(): number {
    return this.globalShare.length;
  }

  /** The context stored at row `c`. */
  keyAt(c: number): ContextKey {
    const o = 4 * c;
    const cell = this.contexts[o] === 1 ? { x: this.contexts[o + 1], y: this.contexts[o + 2] } : null;
    return { cell, period: this.contexts[o + 3] };
  }

  /** Users counted in context row `c` (distinct per item, summed over items). */
  totalOf(c: number): number {
    return this.totals[c];
  }

  /**
   * The trained context row for a request, most specific first: cell × period, then cell × any
   * period, then any cell × period; -1 when none was trained (serve global popularity then).
   */
  lookup(context: RequestContext): number {
    const hasLocation = context.lat !== undefined && context.lon !== undefined;
    const cell = hasLocation ? cellOf(this.grid, context.lat as number, context.lon as number) : null;
    const period = context.period ?? ANY;
    const tries: ContextKey[] = [];
    if (cell && period !== ANY) tries.push({ cell, period });
    if (cell) tries.push({ cell, period: ANY });
    if (period !== ANY) tries.push({ cell: null, period });
    for (const key of tries) {
      const row = this.byKey.get(contextKeyString(key));
      if (row !== undefined) return row;
    }
    return -1;
  }

  /** p(i | c) for one item; the global share when `c` is -1. */
  score(c: number, item: number): number {
    if (c < 0) return this.globalShare[item];
    return (
      (this.countOf(c, item) + this.strength * this.globalShare[item]) / (this.totals[c] + this.strength)
    );
  }

  /** n(c, i), by binary search in the context's row. */
  countOf(c: number, item: number): number {
    const e = this.entryOf(c, item);
    return e < 0 ? 0 : this.counts[e];
  }

  /** The position of item `item` in context row `c`, or −1 when the row does not hold it. */
  private entryOf(c: number, item: number): number {
    let lo = this.indptr[c];
    let hi = this.indptr[c + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.indices[mid];
      if (v === item) return mid;
      if (v < item) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Every item in descending p(i | c), ties by index (see `head`). */
  order(c: number): Int32Array {
    return this.head(c, this.itemCount);
  }

  /**
   * The first `length` items of context `c` in descending p(i | c), ties by index: the context's
   * own items (ranked by n + β·π) merged with the rest in global order, which is their order too
   * since their score is β·π(i) alone. Costs O(nnz · log length + length · log nnz), not the
   * whole catalogue: serving asks for the head of a context on a request's first visit to it.
   */
  head(c: number, length: number): Int32Array {
    const size = Math.max(0, Math.min(length, this.itemCount));
    if (c < 0) return this.globalOrder.slice(0, size);
    const start = this.indptr[c];
    const beta = this.strength;
    const share = this.globalShare;
    const value = (e: number) => this.counts[start + e] + beta * share[this.indices[start + e]];
    const ownBefore = (a: number, b: number) => {
      const va = value(a);
      const vb = value(b);
      return va > vb || (va === vb && this.indices[start + a] < this.indices[start + b]);
    };
    const own = firstInOrder(this.indptr[c + 1] - start, size, ownBefore);
    const out = new Int32Array(size);
    let n = 0;
    let j = 0;
    for (let g = 0; g < this.globalOrder.length && n < size; g++) {
      const item = this.globalOrder[g];
      if (this.entryOf(c, item) >= 0) continue;
      const rest = beta * share[item];
      while (n < size && j < own.length) {
        const ownValue = value(own[j]);
        const ownItem = this.indices[start + own[j]];
        if (!(ownValue > rest || (ownValue === rest && ownItem < item))) break;
        out[n++] = ownItem;
        j++;
      }
      if (n < size) out[n++] = item;
    }
    while (n < size && j < own.length) out[n++] = this.indices[start + own[j++]];
    return out;
  }

  /** The manifest parameters that describe the prior. */
  parameters(): Record<string, unknown> {
    return { refLat: this.grid.refLat, cellKm: this.grid.cellKm, strength: this.strength };
  }

  /** The matrices to store in the artifact. */
  matrices(): Record<string, MatrixData> {
    return {
      "context.keys": { data: this.contexts, shape: [this.contextCount, 4] },
      "context.indptr": { data: this.indptr, shape: [this.indptr.length] },
      "context.items": { data: this.indices, shape: [this.indices.length] },
      "context.counts": { data: this.counts, shape: [this.counts.length] },
      "context.global_share": { data: this.globalShare, shape: [this.globalShare.length] },
    };
  }

  /** The prior stored in an artifact, or null when it has none (artifacts before the prior). */
  static fromArtifact(artifact: Artifact, parameters: unknown): ContextPrior | null {
    if (!("context.indptr" in artifact.manifest.matrices)) return null;
    const p = parameters as { refLat?: unknown; cellKm?: unknown; strength?: unknown } | undefined;
    const number = (name: "refLat" | "cellKm" | "strength", v: unknown) => {
      if (typeof v !== "number" || !Number.isFinite(v) || (name !== "refLat" && v < 0)) {
        throw new PalateError(
          `${artifact.dir}: parameter 'context.${name}' must be a number, got ${String(v)}`,
        );
      }
      return v;
    };
    const prior = new ContextPrior({
      grid: { refLat: number("refLat", p?.refLat), cellKm: number("cellKm", p?.cellKm) },
      strength: number("strength", p?.strength),
      contexts: artifact.i32("context.keys"),
      indptr: artifact.i32("context.indptr"),
      indices: artifact.i32("context.items"),
      counts: artifact.f32("context.counts"),
      globalShare: artifact.f32("context.global_share"),
    });
    const nnz = prior.indptr[prior.contextCount];
    if (prior.contexts.length !== 4 * prior.contextCount || prior.indices.length !== nnz) {
      throw new PalateError(`${artifact.dir}: context prior matrices disagree in size`);
    }
    return prior;
  }
}
