import { TopK } from "../../math/top-k.js";
import type { ContextPrior, RequestContext } from "../popularity/context-prior.js";
import type { PopularityModel } from "../popularity/popularity-model.js";
import type { Recommendations } from "../recommender.js";
import type { HybridModel } from "./hybrid-model.js";
import { historyOf } from "./validation-users.js";

/** The popularity column's standardisation: log(1 + users) centred by `mean`, scaled by `std`. */
export interface PopularityScale {
  mean: number;
  std: number;
  /** Σ users over items: turns p(i | c) into expected users. */
  total: number;
}

/** z_c(i) for every item: the column's standardisation of the expected users p(i | c)·total. */
export function contextZ(prior: ContextPrior, row: number, scale: PopularityScale, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = contextZAt(prior, row, scale, i);
}

/** z_c(i) of one item (as a float32, the value `contextZ` stores). */
function contextZAt(prior: ContextPrior, row: number, scale: PopularityScale, item: number): number {
  return Math.fround((Math.log1p(prior.score(row, item) * scale.total) - scale.mean) / scale.std);
}

/** The trained per-context prior of a hybrid, if its version has one. */
export function contextPriorOf(hybrid: HybridModel): ContextPrior | null {
  const popularity = hybrid.learned.models.get("popularity") as PopularityModel | undefined;
  return popularity?.contextPrior ?? null;
}

/**
 * The hybrid's popularity component in a request's context. The popularity column of the item
 * matrix is scale · z(i), z the standardised log(1 + users of i); in context c the same transform
 * of the expected users p(i | c) · Σ users gives z_c(i). A query's score then moves by
 * q_pop · scale · (z_c(i) − z(i)): the popularity part scores as if trained in that context, while
 * every other part and the learned weights stay as they are. (The item matrix stays global, so the
 * shift applies to candidates: see `RecommendService`.)
 */
export class ContextPopularity {
  readonly prior: ContextPrior;
  /** Offset of the popularity column in the query and item rows. */
  private readonly column: number;
  private readonly scale: number;
  private readonly globalZ: Float32Array;
  readonly mean: number;
  readonly std: number;
  readonly total: number;
  /** Whole-catalogue shift tables of batch callers (`shiftsFor`); serving computes per item. */
  private readonly shifts = new Map<number, Float32Array>();
  private readonly heads = new Map<number, Int32Array>();
  private readonly orders = new Map<number, Int32Array>();

  private constructor(prior: ContextPrior, hybrid: HybridModel) {
    this.prior = prior;
    const state = hybrid.learned;
    const p = state.parts.findIndex((part) => part.name === "popularity");
    this.column = state.parts.slice(0, p).reduce((sum, part) => sum + part.dims, 0);
    this.scale = state.scales[p];
    this.globalZ = state.parts[p].items;
    // The part's standardisation, recomputed from the training counts it was built from.
    const counts = new Float64Array(state.train.nCols);
    for (const item of state.train.indices) counts[item]++;
    let mean = 0;
    let total = 0;
    for (const c of counts) {
      mean += Math.log1p(c);
      total += c;
    }
    mean /= Math.max(1, counts.length);
    let variance = 0;
    for (const c of counts) variance += (Math.log1p(c) - mean) ** 2;
    this.mean = mean;
    this.std = Math.sqrt(variance / Math.max(1, counts.length)) || 1;
    this.total = total;
  }

  /** The context view of a hybrid with a popularity part and a trained prior; else null. */
  static of(hybrid: HybridModel): ContextPopularity | null {
    const prior = contextPriorOf(hybrid);
    if (!prior || !hybrid.learned.parts.some((part) => part.name === "popularity")) return null;
    if (prior.itemCount !== hybrid.learned.train.nCols) return null;
    return new ContextPopularity(prior, hybrid);
  }

  /** The trained context row of a request, or -1 (then nothing shifts). */
  rowFor(context: RequestContext): number {
    return this.prior.lookup(context);
  }

  /**
   * Per item: scale · (z_c(i) − z(i)) for context row `row`, for callers that rank the whole
   * catalogue in one context (batch recommendations, drift baselines). Cached, and 4 bytes an item
   * per row: serving, which scores a few hundred candidates in any of hundreds of contexts, uses
   * `shift` instead.
   */
  shiftsFor(row: number): Float32Array {
    let shift = this.shifts.get(row);
    if (shift) return shift;
    const n = this.prior.itemCount;
    shift = new Float32Array(n);
    if (row >= 0) for (let i = 0; i < n; i++) shift[i] = this.itemShift(row, i);
    // Bounded: a busy deployment sees a few hundred contexts.
    if (this.shifts.size >= 4096) this.shifts.clear();
    this.shifts.set(row, shift);
    return shift;
  }

  /**
   * The first `length` (≤ 1024) items of the model by descending p(i | context row), cached per
   * row and length. A request's first visit to a context pays O(row's items · log length), not a
   * sort of the catalogue (which stalled requests for tens of milliseconds at 100k items).
   */
  headFor(row: number, length: number): Int32Array {
    const key = row * 1025 + Math.min(length, 1024);
    let head = this.heads.get(key);
    if (!head) {
      if (this.heads.size >= 16_384) this.heads.clear();
      head = this.prior.head(row, Math.min(length, 1024));
      this.heads.set(key, head);
    }
    return head;
  }

  /** Every item of the model by descending p(i | context row): for filters that reject most of a head. */
  orderFor(row: number): Int32Array {
    let order = this.orders.get(row);
    if (!order) {
      // Few and rare (a catalogue-sized array each): kept for the latest handful of contexts.
      if (this.orders.size >= 16) this.orders.clear();
      order = this.prior.order(row);
      this.orders.set(row, order);
    }
    return order;
  }

  /**
   * How much the popularity component moves item `item`'s score for query `q` in context `row`:
   * computed for the one item (a lookup in the row and a log), equal to `shiftsFor`'s entry.
   */
  shift(q: Float32Array, row: number, item: number): number {
    if (row < 0 || item >= this.prior.itemCount) return 0;
    return q[this.column] * this.itemShift(row, item);
  }

  /** scale · (z_c(i) − z(i)) as a float32, the value a shift table stores. */
  private itemShift(row: number, item: number): number {
    return Math.fround(this.scale * (contextZAt(this.prior, row, this, item) - this.globalZ[item]));
  }

  /** The query's weight on popularity (zero when its bucket ignores popularity). */
  weightOf(q: Float32Array): number {
    return q[this.column];
  }
}

/**
 * Top-k lists of trained users among `candidates` (their training items left out) with the
 * popularity component in context row `row`: q·x_i plus the shift, as serving ranks them there.
 * The drift baselines replay this, so the scores they expect include the shift live traffic gets.
 */
export function recommendInContext(
  hybrid: HybridModel,
  view: ContextPopularity,
  row: number,
  users: Int32Array,
  k: number,
  candidates: Int32Array,
): Recommendations {
  const { train, userMeta } = hybrid.learned;
  const { matrix, dims } = hybrid.itemVectors;
  const items = new Int32Array(users.length * k).fill(-1);
  const scores = new Float32Array(users.length * k).fill(Number.NEGATIVE_INFINITY);
  const top = new TopK(k);
  const shifts = view.shiftsFor(row);
  users.forEach((u, b) => {
    const q = hybrid.queryFor(historyOf(train, u, userMeta[u]));
    const seen = new Set(train.indices.subarray(train.indptr[u], train.indptr[u + 1]));
    top.reset();
    const weight = view.weightOf(q);
    for (const item of candidates) {
      if (seen.has(item)) continue;
      let s = item < shifts.length ? weight * shifts[item] : 0;
      for (let j = 0; j < dims; j++) s += q[j] * matrix[item * dims + j];
      top.push(item, s);
    }
    top.drainInto(items, scores, b * k);
  });
  return { k, items, scores };
}
