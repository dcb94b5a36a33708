import { type CsrMatrix, hasEntry } from "../../core/csr.js";
import { PalateError } from "../../core/errors.js";
import { TopK } from "../../math/top-k.js";
import type { Artifact } from "../artifact/artifact-reader.js";
import { newVersionName, writeArtifact } from "../artifact/artifact-writer.js";
import { trainingSnapshotContent } from "../artifact/training-snapshot.js";
import type { Recommendations, Recommender, RecommendOptions, TrainingData } from "../recommender.js";
import { ContextPrior, type RequestContext } from "./context-prior.js";
import { CONTEXT_PRIOR_DEFAULTS, type ContextPriorOptions, fitContextPrior } from "./context-prior-fit.js";

/** Popularity is either the number of distinct users of an item or the sum of their weights. */
export type PopularityMeasure = "users" | "weight";

/** Options of `PopularityModel`; `context: false` skips the per-context prior. */
export interface PopularityOptions {
  measure?: PopularityMeasure;
  context?: Partial<ContextPriorOptions> | false;
}

/**
 * The most-popular baseline: every user gets the items with the most training users (the
 * reference non-personalised recommender of every recommender-systems evaluation). When the
 * training data carries events with a place or a time, it also learns the per-context prior
 * (location cell × meal period, see `ContextPrior`), which `recommendInContext` ranks by.
 */
export class PopularityModel implements Recommender {
  readonly kind = "popularity";
  readonly measure: PopularityMeasure;
  private scores: Float32Array = new Float32Array(0);
  /** Item indices by descending score, so a recommendation walks only the head of the list. */
  private order: Int32Array = new Int32Array(0);
  private snapshot: TrainingData | null = null;
  private readonly contextOptions: ContextPriorOptions | false;
  private prior: ContextPrior | null = null;

  constructor(options: PopularityOptions = {}) {
    this.measure = options.measure ?? "users";
    this.contextOptions =
      options.context === false ? false : { ...CONTEXT_PRIOR_DEFAULTS, ...options.context };
  }

  /** The per-context prior, or null (no context in the data, disabled, or an older artifact). */
  get contextPrior(): ContextPrior | null {
    return this.prior;
  }

  /** Popularity score per item index. */
  get itemScores(): Float32Array {
    return this.scores;
  }

  async fit(data: TrainingData): Promise<void> {
    const m = data.matrix;
    const scores = new Float32Array(m.nCols);
    for (let e = 0; e < m.indices.length; e++) {
      scores[m.indices[e]] += this.measure === "users" ? 1 : m.values[e];
    }
    this.setScores(scores);
    this.snapshot = data;
    this.prior = this.contextOptions === false ? null : fitContextPrior(data, scores, this.contextOptions);
  }

  /**
   * Top-k by p(item | context) for users in one context (global popularity when the model has no
   * prior or the context was never seen); `exclude` removes each user's seen items.
   */
  recommendInContext(
    userIndices: Int32Array,
    context: RequestContext,
    options: RecommendOptions,
  ): Recommendations {
    const prior = this.prior;
    if (!prior) return this.recommend(userIndices, options);
    const row = prior.lookup(context);
    const order = prior.order(row);
    const { k, exclude } = options;
    const items = new Int32Array(userIndices.length * k).fill(-1);
    const scores = new Float32Array(userIndices.length * k).fill(Number.NEGATIVE_INFINITY);
    for (let b = 0; b < userIndices.length; b++) {
      let n = 0;
      for (let r = 0; r < order.length && n < k; r++) {
        const item = order[r];
        if (isExcluded(exclude, userIndices[b], item)) continue;
        items[b * k + n] = item;
        scores[b * k + n] = prior.score(row, item);
        n++;
      }
    }
    return { k, items, scores };
  }

  recommend(userIndices: Int32Array, options: RecommendOptions): Recommendations {
    const { k, exclude, candidates } = options;
    const items = new Int32Array(userIndices.length * k);
    const scores = new Float32Array(userIndices.length * k);
    const top = new TopK(k);
    for (let b = 0; b < userIndices.length; b++) {
      const user = userIndices[b];
      if (candidates) {
        for (let c = 0; c < candidates.length; c++) {
          const item = candidates[c];
          if (!isExcluded(exclude, user, item)) top.push(item, this.scores[item]);
        }
      } else {
        // Walking the popularity order, the first k unexcluded items are the answer.
        for (let r = 0; r < this.order.length && top.threshold === Number.NEGATIVE_INFINITY; r++) {
          const item = this.order[r];
          if (!isExcluded(exclude, user, item)) top.push(item, this.scores[item]);
        }
      }
      top.drainInto(items, scores, b * k);
    }
    return { k, items, scores };
  }

  async save(dir: string): Promise<void> {
    if (!this.snapshot) throw new PalateError("popularity model: save() before fit()");
    const base = trainingSnapshotContent(this.snapshot);
    await writeArtifact(dir, {
      ...base,
      version: newVersionName(this.kind),
      kind: this.kind,
      parameters: { measure: this.measure, ...(this.prior ? { context: this.prior.parameters() } : {}) },
      metrics: this.prior ? { contextCount: this.prior.contextCount } : {},
      matrices: {
        ...base.matrices,
        "item.popularity": { data: this.scores, shape: [this.scores.length] },
        ...this.prior?.matrices(),
      },
    });
  }

  /** Restores a fitted model from its artifact. */
  static fromArtifact(artifact: Artifact): PopularityModel {
    const measure = artifact.manifest.parameters["measure"];
    if (measure !== "users" && measure !== "weight") {
      throw new PalateError(`${artifact.dir}: parameter 'measure' must be "users" or "weight"`);
    }
    const model = new PopularityModel({ measure });
    model.setScores(artifact.f32("item.popularity"));
    model.prior = ContextPrior.fromArtifact(artifact, artifact.manifest.parameters["context"]);
    return model;
  }

  private setScores(scores: Float32Array): void {
    this.scores = scores;
    // Stable by index for equal scores, so ties are broken the same way on every run.
    this.order = Int32Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
  }
}

/** Whether `item` is in row `user` of `exclude`; users outside the matrix exclude nothing. */
function isExcluded(exclude: CsrMatrix | undefined, user: number, item: number): boolean {
  return exclude !== undefined && user >= 0 && user < exclude.nRows && hasEntry(exclude, user, item);
}
