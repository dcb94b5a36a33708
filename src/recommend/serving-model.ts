import type { CsrMatrix } from "../core/csr.js";
import { PalateError } from "../core/errors.js";
import type { IdDictionary } from "../core/id-dictionary.js";
import type { Item, User } from "../core/types.js";
import type { HybridModel } from "../models/hybrid/hybrid-model.js";
import { PART_REASON } from "../models/hybrid/hybrid-part.js";
import { historyOf } from "../models/hybrid/validation-users.js";
import type { LoadedModel } from "../models/model-kinds.js";
import { ItemCatalog } from "./item-catalog.js";
import { buildVectorIndex, type IndexOptions } from "./retrieval/build-index.js";
import type { VectorIndex } from "./retrieval/vector-index.js";

/** What a recommendation's reasons name: the hybrid parts that carried the item. */
export type Reason = (typeof PART_REASON)[keyof typeof PART_REASON];

/** A part's block within the one item matrix. */
interface Block {
  /** Index of the block's reason in `reasonNames` (parts may share a reason). */
  slot: number;
  start: number;
  end: number;
}

/**
 * A loaded hybrid version made ready to serve: the one item matrix (grown by items added through
 * the API), its retrieval index, the catalogue the filters read, and global popularity.
 */
export class ServingModel {
  readonly version: string;
  readonly hybrid: HybridModel;
  readonly users: IdDictionary;
  readonly catalog: ItemCatalog;
  readonly train: CsrMatrix;
  readonly dims: number;
  readonly index: VectorIndex;
  /** Item indices of the model, most popular first (distinct training users). */
  readonly popularOrder: Int32Array;
  readonly popularity: Float32Array;
  private vectors: Float32Array;
  private readonly blocks: Block[];
  /** The distinct reasons of the blocks, and a scratch sum per reason for `reasonsFor`. */
  private readonly reasonNames: Reason[] = [];
  private readonly reasonsByCode = new Map<number, readonly Reason[]>();
  private readonly reasonSums: Float64Array;
  private readonly keptSums: Float64Array;
  /** The reason slot of the popularity part (−1 without one), where a context shift is added. */
  private readonly popularitySlot: number;

  private constructor(loaded: LoadedModel, hybrid: HybridModel, indexOptions: IndexOptions) {
    this.version = loaded.manifest.version;
    this.hybrid = hybrid;
    this.users = loaded.users;
    this.train = loaded.train;
    const { matrix, dims } = hybrid.itemVectors;
    this.dims = dims;
    this.catalog = new ItemCatalog(loaded.items.toArray(), hybrid.learned.itemMeta);
    this.vectors = new Float32Array(Math.max(matrix.length, dims) * 2);
    this.vectors.set(matrix);
    this.index = buildVectorIndex(matrix, loaded.items.size, dims, indexOptions);
    this.popularity = new Float32Array(loaded.items.size);
    for (const item of loaded.train.indices) this.popularity[item]++;
    this.popularOrder = Int32Array.from(this.popularity.keys()).sort(
      (a, b) => this.popularity[b] - this.popularity[a] || a - b,
    );
    let start = 0;
    this.blocks = hybrid.learned.parts.map((part) => {
      const reason = PART_REASON[part.name];
      if (!this.reasonNames.includes(reason)) this.reasonNames.push(reason);
      const block = { slot: this.reasonNames.indexOf(reason), start, end: start + part.dims };
      start += part.dims;
      return block;
    });
    this.reasonSums = new Float64Array(this.reasonNames.length);
    this.popularitySlot = this.reasonNames.indexOf("popularity");
    this.keptSums = new Float64Array(this.reasonNames.length);
  }

  /** Wraps a loaded model version; only hybrids serve (their one inner product is the design). */
  static from(loaded: LoadedModel, indexOptions: IndexOptions = {}): ServingModel {
    if (loaded.model.kind !== "hybrid") {
      throw new PalateError(
        `model ${loaded.manifest.version} is a '${loaded.model.kind}' model; serving needs a hybrid (palate train --model hybrid)`,
      );
    }
    return new ServingModel(loaded, loaded.model as HybridModel, indexOptions);
  }

  /** Stops a background index build still running (it would keep the process alive). */
  async close(): Promise<void> {
    const closable = this.index as VectorIndex & { close?: () => Promise<void> };
    await closable.close?.();
  }

  /** The item-matrix row of item `index` (a view). */
  rowOf(index: number): Float32Array {
    return this.vectors.subarray(index * this.dims, (index + 1) * this.dims);
  }

  /** The whole item matrix, rows of added items included (a view, catalog.size rows). */
  get itemVectors(): Float32Array {
    return this.vectors.subarray(0, this.catalog.size * this.dims);
  }

  /**
   * Adds or updates an item from its metadata. A new item gets its row predicted from content
   * (blueprint: new items) and enters the index at once; a model item keeps its learned row.
   */
  upsertItem(item: Item): { index: number; added: boolean } {
    const result = this.catalog.upsert(item);
    if (result.index >= this.catalog.modelItems) {
      const row = this.hybrid.itemRowFor(item);
      const needed = (result.index + 1) * this.dims;
      if (needed > this.vectors.length) {
        const grown = new Float32Array(needed * 2);
        grown.set(this.vectors);
        this.vectors = grown;
      }
      this.vectors.set(row, result.index * this.dims);
      this.index.upsert(result.index, row);
    }
    return result;
  }

  /**
   * The hybrid query of a user from the training history (when known to the model) merged with
   * events since, and declared preferences. Items added after training carry no learned
   * signal, so they are left out of the query (they still count as seen).
   */
  queryFor(
    userIndex: number,
    recent: readonly { item: number; weight: number }[],
    user?: User,
  ): Float32Array {
    const base = historyOf(this.train, userIndex, user ?? this.hybrid.learned.userMeta[userIndex]);
    const modelRecent = recent.filter((e) => e.item < this.catalog.modelItems);
    if (modelRecent.length === 0) return this.hybrid.queryFor(base);
    const merged = new Map<number, number>();
    for (let e = 0; e < base.items.length; e++) merged.set(base.items[e], base.values[e]);
    for (const { item, weight } of modelRecent) merged.set(item, (merged.get(item) ?? 0) + weight);
    const items = Int32Array.from(merged.keys());
    const values = Float32Array.from(merged.values());
    return this.hybrid.queryFor({ userIndex: -1, items, values, user: base.user });
  }

  /** Items of the training row of a user known to the model. */
  /** How many items training user `userIndex` has (0 for −1), without a view of them. */
  trainedCount(userIndex: number): number {
    if (userIndex < 0 || userIndex >= this.train.nRows) return 0;
    return this.train.indptr[userIndex + 1] - this.train.indptr[userIndex];
  }

  trainedItems(userIndex: number): Int32Array {
    if (userIndex < 0 || userIndex >= this.train.nRows) return new Int32Array(0);
    return this.train.indices.subarray(this.train.indptr[userIndex], this.train.indptr[userIndex + 1]);
  }

  /** The exact score of one item for a query. */
  score(q: Float32Array, item: number): number {
    let s = 0;
    const row = item * this.dims;
    for (let j = 0; j < this.dims; j++) s += q[j] * this.vectors[row + j];
    return s;
  }

  /** Reasons packed in 16 bits, four per code (slot + 1 a nibble, first reason lowest): lists store them. */
  reasonCode(reasons: readonly Reason[]): number {
    let code = 0;
    reasons.slice(0, 4).forEach((reason, r) => {
      code |= (this.reasonNames.indexOf(reason) + 1) << (4 * r);
    });
    return code;
  }

  /** The reasons a `reasonCode` packed (unknown slots, e.g. of a corrupt code, are left out). */
  reasonsOfCode(code: number): readonly Reason[] {
    // Shared per code (a model has a handful): every plain request lists ten of them.
    const known = this.reasonsByCode.get(code);
    if (known) return known;
    const reasons: Reason[] = [];
    for (let c = code; c > 0; c >>= 4) {
      const name = this.reasonNames[(c & 15) - 1];
      if (name !== undefined) reasons.push(name);
    }
    Object.freeze(reasons);
    this.reasonsByCode.set(code, reasons);
    return reasons;
  }

  /**
   * The parts that carried an item: those adding a positive share of at least 15% of the
   * positive contributions, largest first, each reason named once (when none is positive, the
   * largest alone: every listed item has a reason). `popularityShift` is what the
   * request's context added to the popularity part (the served score minus q·x).
   */
  reasonsFor(q: Float32Array, item: number, popularityShift = 0): Reason[] {
    // Once per listed item on every request: sums in a reused array, no maps or sorts of entries.
    const sums = this.reasonSums.fill(0);
    // The row as its own view: the inner loop then reads one local array (a field load per
    // element made this loop 8% of a saturated server's CPU).
    const row = this.rowOf(item);
    for (const block of this.blocks) {
      let s = 0;
      for (let j = block.start; j < block.end; j++) s += q[j] * row[j];
      sums[block.slot] += s;
    }
    if (this.popularitySlot >= 0) sums[this.popularitySlot] += popularityShift;
    let positive = 0;
    let largest = 0;
    for (let r = 0; r < sums.length; r++) {
      if (sums[r] > 0) positive += sums[r];
      if (sums[r] > sums[largest]) largest = r;
    }
    // Nothing added a positive share (an item listed below the average, e.g. the tail of a short
    // context's list): the part that lowered it least is what ranked it.
    if (positive === 0) return sums.length > 0 ? [this.reasonNames[largest]] : [];
    // Insertion by descending sum over a handful of reasons: Array#sort and #splice allocate on
    // every call, and this runs for every listed item of every request.
    const reasons: Reason[] = [];
    const kept = this.keptSums;
    for (let r = 0; r < sums.length; r++) {
      if (!(sums[r] > 0 && sums[r] >= 0.15 * positive)) continue;
      let at = reasons.length;
      reasons.push(this.reasonNames[r]);
      for (; at > 0 && kept[at - 1] < sums[r]; at--) {
        kept[at] = kept[at - 1];
        reasons[at] = reasons[at - 1];
      }
      kept[at] = sums[r];
      reasons[at] = this.reasonNames[r];
    }
    return reasons;
  }
}
