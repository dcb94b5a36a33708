import { type CsrMatrix, hasEntry } from "../../core/csr.js";
import { PalateError } from "../../core/errors.js";
import { TopK } from "../../math/top-k.js";
import type { Artifact } from "../artifact/artifact-reader.js";
import { newVersionName, writeArtifact } from "../artifact/artifact-writer.js";
import { trainingSnapshotContent } from "../artifact/training-snapshot.js";
import type { Recommendations, Recommender, RecommendOptions, TrainingData } from "../recommender.js";

/** Popularity is either the number of distinct users of an item or the sum of their weights. */
export type PopularityMeasure = "users" | "weight";

/**
 * The most-popular baseline: every user gets the items with the most training users (the
 * reference non-personalised recommender of every recommender-systems evaluation).
 */
export class PopularityModel implements Recommender {
  readonly kind = "popularity";
  readonly measure: PopularityMeasure;
  private scores: Float32Array = new Float32Array(0);
  /** Item indices by descending score, so a recommendation walks only the head of the list. */
  private order: Int32Array = new Int32Array(0);
  private snapshot: TrainingData | null = null;

  constructor(options: { measure?: PopularityMeasure } = {}) {
    this.measure = options.measure ?? "users";
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
      parameters: { measure: this.measure },
      metrics: {},
      matrices: { ...base.matrices, "item.popularity": { data: this.scores, shape: [this.scores.length] } },
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
