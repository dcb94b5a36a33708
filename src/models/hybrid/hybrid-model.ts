import type { CsrMatrix } from "../../core/csr.js";
import { PalateError } from "../../core/errors.js";
import type { Item, User } from "../../core/types.js";
import { rowNorms, similarByCosine } from "../../math/cosine-similarity.js";
import { TopK } from "../../math/top-k.js";
import type { ContentModel } from "../content/content-model.js";
import { declaredHome } from "../popularity/context-events.js";
import type { Recommendations, Recommender, RecommendOptions, TrainingData } from "../recommender.js";
import { BUCKET_NAMES, bucketOf, type HistoryBuckets, NEW_BUCKET } from "./blend-search.js";
import type { ColdItemProjection } from "./cold-item-projection.js";
import { ContextPopularity } from "./context-shift.js";
import { fitHybrid } from "./fit-hybrid.js";
import type { HybridOptions } from "./hybrid-options.js";
import type { HybridPart, PartName, UserHistory } from "./hybrid-part.js";
import { historyOf } from "./validation-users.js";

/** The learned state of a hybrid, shared by training and loading. */
export interface HybridState {
  parts: HybridPart[];
  models: Map<PartName, Recommender>;
  scales: Float32Array;
  /** weights[bucket][part]. */
  weights: Float32Array[];
  buckets: HistoryBuckets;
  train: CsrMatrix;
  userMeta: readonly (User | undefined)[];
  /** Item metadata by item index (serving filters by location and opening hours). */
  itemMeta: readonly (Item | undefined)[];
  validationNdcg: number[];
  /** Wall time of fit() in seconds (absent for a state loaded from an older artifact). */
  fitSeconds?: number;
  /** Content → part projections by part name, to give items added later cf and graph vectors. */
  projections: Map<string, ColdItemProjection>;
}

/**
 * The hybrid recommender of the blueprint: ALS, ELSA, Cleora, content and popularity parts in one
 * inner product, with blend weights per history bucket learned on a validation split carved from
 * the training data (never from test), and cf/graph vectors of new items predicted from content.
 */
export class HybridModel implements Recommender {
  readonly kind = "hybrid";
  readonly options: HybridOptions;
  private state: HybridState | null = null;
  /** Concatenated scaled item blocks (nItems × totalDims): the one matrix of the inner product. */
  private itemMatrix = new Float32Array(0);
  private offsets: number[] = [];
  private totalDims = 0;
  private data: TrainingData | null = null;
  private similarity: { matrix: Float32Array; norms: Float32Array } | null = null;
  /** The popularity part in context (undefined until first asked; null without a prior). */
  private contextView: ContextPopularity | null | undefined = undefined;

  constructor(options: HybridOptions = {}) {
    this.options = options;
  }

  /** The learned state (parts, scales, weights); throws before fit. */
  get learned(): HybridState {
    if (!this.state) throw new PalateError("hybrid model: used before fit()");
    return this.state;
  }

  async fit(data: TrainingData): Promise<void> {
    const state = await fitHybrid(this.options, data);
    this.data = data;
    this.setState(state);
  }

  /** Installs a learned state (from fit or an artifact) and builds the item matrix. */
  setState(state: HybridState): void {
    this.state = state;
    this.offsets = [];
    let total = 0;
    for (const part of state.parts) {
      this.offsets.push(total);
      total += part.dims;
    }
    this.totalDims = total;
    const nItems = state.train.nCols;
    const x = new Float32Array(nItems * total);
    state.parts.forEach((part, p) => {
      const scale = state.scales[p];
      for (let i = 0; i < nItems; i++) {
        for (let j = 0; j < part.dims; j++)
          x[i * total + this.offsets[p] + j] = scale * part.items[i * part.dims + j];
      }
    });
    this.itemMatrix = x;
    this.similarity = null;
    this.contextView = undefined;
  }

  /** The one item matrix of the inner product (nItems × dims, scaled blocks concatenated). */
  get itemVectors(): { matrix: Float32Array; dims: number } {
    return { matrix: this.itemMatrix, dims: this.totalDims };
  }

  /**
   * The item-matrix row of an item known only by its metadata (added after training): its content
   * vector, cf and graph blocks predicted from content by the stored projections, and the
   * popularity of the least popular trained item (it has no interactions yet). Blocks that cannot
   * be predicted (no content part) stay zero.
   */
  itemRowFor(item: Item): Float32Array {
    const state = this.learned;
    const row = new Float32Array(this.totalDims);
    const contentModel = state.models.get("content") as ContentModel | undefined;
    const content = contentModel ? contentModel.embedItem(item) : null;
    state.parts.forEach((part, p) => {
      const block = row.subarray(this.offsets[p], this.offsets[p] + part.dims);
      const projection = state.projections.get(part.name);
      if (part.name === "content" && content) block.set(content);
      else if (part.name === "popularity") block[0] = part.items.reduce((a, b) => Math.min(a, b), 0);
      else if (projection && content) projection.predict(content, block);
      for (let j = 0; j < block.length; j++) block[j] *= state.scales[p];
    });
    return row;
  }

  /** The training data the model was fitted on (needed to save it). */
  get trainingData(): TrainingData | null {
    return this.data;
  }

  /** The hybrid query of a user (weights of their history bucket applied), totalDims values. */
  queryFor(history: UserHistory): Float32Array {
    const state = this.learned;
    // Artifacts from before the "new" bucket have three weight rows: new users count as cold.
    const bucket =
      history.items.length === 0 && state.weights.length > NEW_BUCKET
        ? NEW_BUCKET
        : bucketOf(history.items.length, state.buckets);
    const q = new Float32Array(this.totalDims);
    state.parts.forEach((part, p) => {
      const w = state.weights[bucket][p];
      if (w === 0) return;
      const block = q.subarray(this.offsets[p], this.offsets[p] + part.dims);
      part.query(history, block);
      for (let j = 0; j < block.length; j++) block[j] *= w;
    });
    return q;
  }

  /** Each part's contribution to the score of `item` for query `q` (for recommendation reasons). */
  contributions(q: Float32Array, item: number): { part: PartName; score: number }[] {
    const state = this.learned;
    const row = item * this.totalDims;
    return state.parts.map((part, p) => {
      let s = 0;
      for (let j = this.offsets[p]; j < this.offsets[p] + part.dims; j++)
        s += q[j] * this.itemMatrix[row + j];
      return { part: part.name, score: s };
    });
  }

  recommend(userIndices: Int32Array, options: RecommendOptions): Recommendations {
    const state = this.learned;
    const { k, exclude, candidates } = options;
    const nItems = state.train.nCols;
    const d = this.totalDims;
    const x = this.itemMatrix;
    const items = new Int32Array(userIndices.length * k);
    const scores = new Float32Array(userIndices.length * k);
    const top = new TopK(k);
    const excluded = new Uint8Array(nItems);
    const home = this.homeContext();
    for (let b = 0; b < userIndices.length; b++) {
      const u = userIndices[b];
      const q = this.queryFor(historyOf(state.train, u, u >= 0 ? state.userMeta[u] : undefined));
      const shift = home?.(q, u);
      if (exclude && u >= 0 && u < exclude.nRows) {
        for (let e = exclude.indptr[u]; e < exclude.indptr[u + 1]; e++) excluded[exclude.indices[e]] = 1;
      }
      const count = candidates ? candidates.length : nItems;
      for (let c = 0; c < count; c++) {
        const i = candidates ? candidates[c] : c;
        if (excluded[i]) continue;
        let s = 0;
        const row = i * d;
        for (let j = 0; j < d; j++) s += x[row + j] * q[j];
        top.push(i, shift ? s + shift[i] : s);
      }
      top.drainInto(items, scores, b * k);
      if (exclude && u >= 0 && u < exclude.nRows) {
        for (let e = exclude.indptr[u]; e < exclude.indptr[u + 1]; e++) excluded[exclude.indices[e]] = 0;
      }
    }
    return { k, items, scores };
  }

  /**
   * Per-item score shifts that move the popularity part to the prior of a user's declared home
   * cell (any meal period), as a request from home gets in serving; null for a user without a
   * home, a query that ignores popularity, or a model without a trained per-context prior.
   */
  private homeContext(): ((q: Float32Array, user: number) => Float32Array | null) | null {
    if (this.contextView === undefined) this.contextView = ContextPopularity.of(this);
    const view = this.contextView;
    if (!view) return null;
    const meta = this.learned.userMeta;
    const shifted = new Float32Array(this.learned.train.nCols);
    return (q, user) => {
      const home = declaredHome(user >= 0 ? meta[user]?.attributes : undefined);
      const weight = view.weightOf(q);
      if (!home || weight === 0) return null;
      const row = view.rowFor(home);
      if (row < 0) return null;
      const shifts = view.shiftsFor(row);
      for (let i = 0; i < shifted.length; i++) shifted[i] = weight * shifts[i];
      return shifted;
    };
  }

  /**
   * The k items most similar to each given item: cosine over the concatenated blocks, each block
   * weighted by the warm bucket's blend weight (so similarity follows what the blend trusts).
   */
  similarItems(itemIndices: Int32Array, k: number): Recommendations {
    if (!this.similarity) {
      const state = this.learned;
      const nItems = state.train.nCols;
      const weighted = new Float32Array(this.itemMatrix.length);
      state.parts.forEach((part, p) => {
        const f = Math.sqrt(state.weights[1][p]);
        for (let i = 0; i < nItems; i++) {
          const start = i * this.totalDims + this.offsets[p];
          for (let j = start; j < start + part.dims; j++) weighted[j] = f * this.itemMatrix[j];
        }
      });
      this.similarity = { matrix: weighted, norms: rowNorms(weighted, nItems, this.totalDims) };
    }
    return similarByCosine(this.similarity.matrix, this.similarity.norms, this.totalDims, itemIndices, k);
  }

  /** The part that contributes most to the similarity of two items (for "came from" reasons). */
  similarityReason(a: number, b: number): PartName {
    const state = this.learned;
    const matrix = this.similarity?.matrix ?? this.itemMatrix;
    let best: PartName = state.parts[0].name;
    let bestScore = Number.NEGATIVE_INFINITY;
    state.parts.forEach((part, p) => {
      let s = 0;
      for (let j = this.offsets[p]; j < this.offsets[p] + part.dims; j++) {
        s += matrix[a * this.totalDims + j] * matrix[b * this.totalDims + j];
      }
      if (s > bestScore) {
        bestScore = s;
        best = part.name;
      }
    });
    return best;
  }

  async save(dir: string): Promise<void> {
    const { saveHybrid } = await import("./hybrid-artifact.js");
    await saveHybrid(this, dir);
  }

  /** Bucket names with the learned weight of each part, for reports. */
  describeWeights(): Record<string, Record<string, number>> {
    const state = this.learned;
    return Object.fromEntries(
      BUCKET_NAMES.slice(0, state.weights.length).map((bucket, b) => [
        bucket,
        Object.fromEntries(state.parts.map((part, p) => [part.name, Number(state.weights[b][p].toFixed(3))])),
      ]),
    );
  }
}
