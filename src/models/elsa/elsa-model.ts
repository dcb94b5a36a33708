import { z } from "zod";
import type { CsrMatrix } from "../../core/csr.js";
import { PalateError } from "../../core/errors.js";
import { TopK } from "../../math/top-k.js";
import type { Artifact } from "../artifact/artifact-reader.js";
import { newVersionName, writeArtifact } from "../artifact/artifact-writer.js";
import { trainingSnapshotContent, trainingSnapshotFrom } from "../artifact/training-snapshot.js";
import type { Recommendations, Recommender, RecommendOptions, TrainingData } from "../recommender.js";
import { type ElsaEpoch, type ElsaTrainingOptions, trainElsa } from "./elsa-trainer.js";
import { pushRanked, scoreAll, scoreSome } from "./rank-items.js";

/**
 * ELSA's defaults, chosen on a validation split of movielens-latest-small (bench/item-item.ts).
 * Whole-data steps: a step costs O(n·d² + nnz·d) at any batch size, so 60 epochs are 60 steps.
 */
export const ELSA_DEFAULTS: ElsaTrainingOptions = {
  factors: 256,
  epochs: 60,
  learningRate: 0.01,
  batchSize: 0,
  seed: 42,
  binary: true,
  dropout: 0.5,
  ridge: 3000,
};

/** Options of `ElsaModel`: training hyper-parameters and an optional per-epoch observer. */
export interface ElsaOptions extends Partial<ElsaTrainingOptions> {
  onEpoch?: (state: ElsaEpoch) => void;
}

const ParametersSchema = z.object({
  factors: z.number().int().positive(),
  epochs: z.number().int().nonnegative(),
  learningRate: z.number().positive(),
  batchSize: z.number().int().nonnegative(),
  seed: z.number().int(),
  binary: z.boolean(),
  dropout: z.number().min(0).lt(1),
  ridge: z.number().nonnegative(),
});

/**
 * ELSA, the scalable linear shallow autoencoder (Vančura et al., RecSys 2022): the item–item
 * model B = AAᵀ − I with a low-rank A (items × d, unit rows). A user's scores are x_u·A·Aᵀ − x_u,
 * i.e. one inner product between the user vector x_u·A and the item rows of A (the −x_u term only
 * lowers items the user already has, which recommendation filters anyway).
 *
 * Two regularisers go beyond the paper, both off at 0 (the paper's model): input dropout
 * (denoising) and EASE's ridge penalty on B. On movielens-latest-small, with 610 users for 9,742
 * items, the paper's model overfits within a few dozen steps; the ridge penalty is what brings it
 * level with EASE (bench/item-item.ts).
 */
export class ElsaModel implements Recommender {
  readonly kind = "elsa";
  readonly options: ElsaTrainingOptions;
  private readonly onEpoch?: (state: ElsaEpoch) => void;
  private a: Float32Array = new Float32Array(0);
  private nItems = 0;
  /** The training matrix: each known user's x_u. */
  private train: CsrMatrix | null = null;
  /** The mean training user's vector, used for users the model does not know. */
  private meanUser: Float32Array = new Float32Array(0);
  private snapshot: TrainingData | null = null;
  private trainLoss: number | null = null;

  constructor(options: ElsaOptions = {}) {
    const { onEpoch, ...rest } = options;
    this.options = { ...ELSA_DEFAULTS, ...rest };
    this.onEpoch = onEpoch;
    ParametersSchema.parse(this.options);
  }

  /** Latent dimensions d. */
  get factors(): number {
    return this.options.factors;
  }

  /** The item matrix A (items × d, row-major, unit rows): the item side of the inner product. */
  get itemFactors(): Float32Array {
    return this.a;
  }

  /** Mean batch loss of the last training epoch (null before `fit` or after loading). */
  get lastLoss(): number | null {
    return this.trainLoss;
  }

  async fit(data: TrainingData): Promise<void> {
    this.trainLoss = null;
    const a = trainElsa(data.matrix, this.options, (state) => {
      this.trainLoss = state.loss;
      this.onEpoch?.(state);
    });
    this.useFactors(a, data.matrix);
    this.snapshot = data;
  }

  /**
   * The user side of the inner product, x·A, for any user given as item indices and interaction
   * values (values default to 1; ignored when the model trained on binary data). This is how a
   * user unknown at training time is scored from a handful of interactions.
   */
  userVector(itemIndices: Int32Array, values?: Float32Array, out?: Float32Array): Float32Array {
    const d = this.options.factors;
    const q = out ?? new Float32Array(d);
    if (q.length !== d) throw new RangeError(`out must have ${d} values, got ${q.length}`);
    if (values && values.length !== itemIndices.length) {
      throw new RangeError(`values has ${values.length} entries for ${itemIndices.length} items`);
    }
    q.fill(0);
    for (let t = 0; t < itemIndices.length; t++) {
      const item = itemIndices[t];
      if (!(item >= 0 && item < this.nItems))
        throw new RangeError(`item ${item} out of range [0, ${this.nItems})`);
      const v = this.options.binary || !values ? 1 : values[t];
      const row = item * d;
      for (let j = 0; j < d; j++) q[j] += v * this.a[row + j];
    }
    return q;
  }

  recommend(userIndices: Int32Array, options: RecommendOptions): Recommendations {
    const { k, exclude, candidates } = options;
    const d = this.options.factors;
    const n = this.nItems;
    const items = new Int32Array(userIndices.length * k);
    const scores = new Float32Array(userIndices.length * k);
    const top = new TopK(k);
    const q = new Float32Array(d);
    const itemScores = new Float32Array(n);
    const blocked = new Uint8Array(n);
    const train = this.train;
    for (let b = 0; b < userIndices.length; b++) {
      const user = userIndices[b];
      const known = train !== null && user >= 0 && user < train.nRows;
      if (known) {
        const from = train.indptr[user];
        const to = train.indptr[user + 1];
        this.userVector(train.indices.subarray(from, to), train.values.subarray(from, to), q);
      } else q.set(this.meanUser);
      if (candidates) scoreSome(this.a, d, q, candidates, itemScores);
      else scoreAll(this.a, n, d, q, itemScores);
      if (known) {
        // The −x_u term of x_u·A·Aᵀ − x_u: a user's own items never explain themselves.
        for (let e = train.indptr[user]; e < train.indptr[user + 1]; e++) {
          itemScores[train.indices[e]] -= this.options.binary ? 1 : train.values[e];
        }
      }
      pushRanked(itemScores, n, candidates, exclude, user, blocked, top);
      top.drainInto(items, scores, b * k);
    }
    return { k, items, scores };
  }

  /** The k items most similar to each given item (cosine of rows of A, itself left out). */
  similarItems(itemIndices: Int32Array, k: number, candidates?: Int32Array): Recommendations {
    const d = this.options.factors;
    const n = this.nItems;
    const items = new Int32Array(itemIndices.length * k);
    const scores = new Float32Array(itemIndices.length * k);
    const top = new TopK(k);
    const itemScores = new Float32Array(n);
    const blocked = new Uint8Array(n);
    for (let b = 0; b < itemIndices.length; b++) {
      const item = itemIndices[b];
      if (!(item >= 0 && item < n)) throw new RangeError(`item ${item} out of range [0, ${n})`);
      const q = this.a.subarray(item * d, (item + 1) * d);
      if (candidates) scoreSome(this.a, d, q, candidates, itemScores);
      else scoreAll(this.a, n, d, q, itemScores);
      blocked[item] = 1;
      pushRanked(itemScores, n, candidates, undefined, -1, blocked, top);
      blocked[item] = 0;
      top.drainInto(items, scores, b * k);
    }
    return { k, items, scores };
  }

  async save(dir: string): Promise<void> {
    if (!this.snapshot) throw new PalateError("elsa model: save() before fit()");
    const base = trainingSnapshotContent(this.snapshot);
    await writeArtifact(dir, {
      ...base,
      version: newVersionName(this.kind),
      kind: this.kind,
      parameters: { ...this.options },
      metrics: this.trainLoss === null ? {} : { trainLoss: this.trainLoss },
      matrices: {
        ...base.matrices,
        "elsa.item_factors": { data: this.a, shape: [this.nItems, this.options.factors] },
      },
    });
  }

  /** Restores a fitted model from its artifact. */
  static fromArtifact(artifact: Artifact): ElsaModel {
    const parsed = ParametersSchema.safeParse(artifact.manifest.parameters);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PalateError(`${artifact.dir}: parameter '${issue.path.join(".")}': ${issue.message}`);
    }
    const model = new ElsaModel(parsed.data);
    const shape = artifact.manifest.matrices["elsa.item_factors"]?.shape;
    if (shape?.length !== 2 || shape[1] !== parsed.data.factors) {
      throw new PalateError(
        `${artifact.dir}: matrix 'elsa.item_factors' must have shape [items, ${parsed.data.factors}]`,
      );
    }
    const { matrix } = trainingSnapshotFrom(artifact);
    model.useFactors(artifact.f32("elsa.item_factors"), matrix);
    return model;
  }

  /**
   * Adopts an item matrix (items × d, unit rows), e.g. a checkpoint seen through `onEpoch`, with the
   * training matrix whose rows are the known users. The model can then recommend but not save.
   */
  useFactors(a: Float32Array, train: CsrMatrix): void {
    const d = this.options.factors;
    if (a.length !== train.nCols * d) {
      throw new RangeError(`item factors hold ${a.length} values, expected ${train.nCols} items × ${d}`);
    }
    this.a = a;
    this.nItems = train.nCols;
    this.train = train;
    this.snapshot = null;
    const sum = new Float64Array(d);
    let users = 0;
    const q = new Float32Array(d);
    for (let u = 0; u < train.nRows; u++) {
      const from = train.indptr[u];
      const to = train.indptr[u + 1];
      if (from === to) continue;
      this.userVector(train.indices.subarray(from, to), train.values.subarray(from, to), q);
      for (let j = 0; j < d; j++) sum[j] += q[j];
      users++;
    }
    this.meanUser = Float32Array.from(sum, (s) => (users > 0 ? s / users : 0));
  }
}
