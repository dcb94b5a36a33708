import type { CsrMatrix } from "../../core/csr.js";
import { PalateError } from "../../core/errors.js";
import { gramEigen } from "../../math/gram-eigen.js";
import { TopK } from "../../math/top-k.js";
import type { Artifact } from "../artifact/artifact-reader.js";
import { newVersionName, writeArtifact } from "../artifact/artifact-writer.js";
import { trainingSnapshotContent, trainingSnapshotFrom } from "../artifact/training-snapshot.js";
import { pushRanked, scoreAll, scoreSome } from "../elsa/rank-items.js";
import type { Recommendations, Recommender, RecommendOptions, TrainingData } from "../recommender.js";
import { EASE_DEFAULTS, type EaseParams, EaseParamsSchema } from "./ease-params.js";

/** Options of `EaseModel`: any of its parameters (defaults fill the rest). */
export type EaseOptions = Partial<EaseParams>;

/**
 * EASE (Steck 2019) in factorised form. EASE's item–item matrix is B = I − P·diag(1/diag P) with
 * P = (G + λI)⁻¹ and G = XᵀX (X binary). Writing G = V·S·Vᵀ gives P = (I − V·F·Vᵀ)/λ with
 * F = diag(s/(s+λ)), so an item i the user has not seen scores
 *
 *   (x_u·B)_i = x_u·V·F·V_iᵀ / (1 − Σ_k V_ik² f_k),
 *
 * one inner product between the user side x_u·V·F and the item row V_i / d_i. With every
 * eigenpair this is EASE exactly; keeping the `rank` largest loses only directions that F
 * shrinks most (s ≪ λ). The eigenpairs come from a randomized subspace iteration over X's
 * nonzeros, so no items × items matrix is ever formed, and λ can change without refitting.
 */
export class EaseModel implements Recommender {
  readonly kind = "ease";
  readonly params: EaseParams;
  private vectors: Float32Array = new Float32Array(0);
  private values: Float32Array = new Float32Array(0);
  private rank = 0;
  private nItems = 0;
  /** V_i / d_i: the item side of the inner product. */
  private rows = new Float32Array(0);
  private shrink: Float32Array = new Float32Array(0);
  private train: CsrMatrix | null = null;
  /** The mean training user's side, for users the model does not know (computed on first use). */
  private meanUser: Float32Array | null = null;
  private snapshot: TrainingData | null = null;

  constructor(options: EaseOptions = {}) {
    this.params = { ...EASE_DEFAULTS, ...options };
    EaseParamsSchema.parse(this.params);
  }

  /** Dimensions of the inner product (the rank kept, ≤ the parameter on small data). */
  get dims(): number {
    return this.rank;
  }

  /** The item side (items × dims, row-major). */
  get itemFactors(): Float32Array {
    return this.rows;
  }

  async fit(data: TrainingData): Promise<void> {
    const m = data.matrix;
    const binary: CsrMatrix = { ...m, values: new Float32Array(m.values.length).fill(1) };
    const eig = gramEigen(binary, this.params.rank, {
      oversample: this.params.oversample,
      powerIterations: this.params.powerIterations,
      seed: this.params.seed,
    });
    this.adopt(eig.vectors, Float32Array.from(eig.values), m);
    this.snapshot = data;
  }

  /** The same eigenpairs under another λ (no refit): how the hybrid tunes λ on validation. */
  withLambda(lambda: number): EaseModel {
    if (!this.train) throw new PalateError("ease model: withLambda() before fit()");
    const model = new EaseModel({ ...this.params, lambda });
    model.adopt(this.vectors, this.values, this.train);
    model.snapshot = this.snapshot;
    return model;
  }

  /** The user side x·V·F for a history given as item indices (interaction values are ignored). */
  userVector(itemIndices: Int32Array, out?: Float32Array): Float32Array {
    const r = this.rank;
    const q = out ?? new Float32Array(r);
    if (q.length !== r) throw new RangeError(`out must have ${r} values, got ${q.length}`);
    q.fill(0);
    for (const item of itemIndices) {
      if (!(item >= 0 && item < this.nItems))
        throw new RangeError(`item ${item} out of range [0, ${this.nItems})`);
      const o = item * r;
      for (let k = 0; k < r; k++) q[k] += this.vectors[o + k];
    }
    for (let k = 0; k < r; k++) q[k] *= this.shrink[k];
    return q;
  }

  recommend(userIndices: Int32Array, options: RecommendOptions): Recommendations {
    const { k, exclude, candidates } = options;
    const n = this.nItems;
    const items = new Int32Array(userIndices.length * k);
    const scores = new Float32Array(userIndices.length * k);
    const top = new TopK(k);
    const q = new Float32Array(this.rank);
    const itemScores = new Float32Array(n);
    const blocked = new Uint8Array(n);
    const train = this.train;
    for (let b = 0; b < userIndices.length; b++) {
      const user = userIndices[b];
      const known = train !== null && user >= 0 && user < train.nRows;
      if (known) this.userVector(train.indices.subarray(train.indptr[user], train.indptr[user + 1]), q);
      else q.set(this.meanUserVector());
      if (candidates) scoreSome(this.rows, this.rank, q, candidates, itemScores);
      else scoreAll(this.rows, n, this.rank, q, itemScores);
      pushRanked(itemScores, n, candidates, exclude, user, blocked, top);
      top.drainInto(items, scores, b * k);
    }
    return { k, items, scores };
  }

  async save(dir: string): Promise<void> {
    if (!this.snapshot) throw new PalateError("ease model: save() before fit()");
    const base = trainingSnapshotContent(this.snapshot);
    await writeArtifact(dir, {
      ...base,
      version: newVersionName(this.kind),
      kind: this.kind,
      parameters: { ...this.params },
      metrics: {},
      matrices: {
        ...base.matrices,
        "ease.vectors": { data: this.vectors, shape: [this.nItems, this.rank] },
        "ease.values": { data: this.values, shape: [this.rank] },
      },
    });
  }

  /** Restores a fitted model from its artifact. */
  static fromArtifact(artifact: Artifact): EaseModel {
    const parsed = EaseParamsSchema.safeParse(artifact.manifest.parameters);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PalateError(`${artifact.dir}: parameter '${issue.path.join(".")}': ${issue.message}`);
    }
    const model = new EaseModel(parsed.data);
    const { matrix } = trainingSnapshotFrom(artifact);
    const shape = artifact.manifest.matrices["ease.vectors"]?.shape;
    const valueShape = artifact.manifest.matrices["ease.values"]?.shape;
    if (shape?.length !== 2 || shape[0] !== matrix.nCols || valueShape?.[0] !== shape[1]) {
      throw new PalateError(
        `${artifact.dir}: matrices 'ease.vectors' [items, rank] and 'ease.values' [rank] do not match`,
      );
    }
    model.adopt(artifact.f32("ease.vectors"), artifact.f32("ease.values"), matrix);
    return model;
  }

  /** Takes eigenpairs (vectors items × rank, values) and derives the inner product's two sides. */
  private adopt(vectors: Float32Array, values: Float32Array, train: CsrMatrix): void {
    const r = values.length;
    const n = train.nCols;
    this.vectors = vectors;
    this.values = values;
    this.rank = r;
    this.nItems = n;
    this.train = train;
    const lambda = this.params.lambda;
    this.shrink = values.map((s) => s / (s + lambda));
    this.rows = new Float32Array(n * r);
    for (let i = 0; i < n; i++) {
      let d = 1;
      for (let k = 0; k < r; k++) d -= vectors[i * r + k] ** 2 * this.shrink[k];
      // d_i = λ·P_ii > 0 in exact arithmetic; the floor guards rounding on near-saturated items.
      const inv = 1 / Math.max(d, 1e-6);
      for (let k = 0; k < r; k++) this.rows[i * r + k] = vectors[i * r + k] * inv;
    }
    this.meanUser = null;
  }

  /** Lazily: the hybrid derives a model per λ it tries and never asks for unknown users. */
  private meanUserVector(): Float32Array {
    if (this.meanUser) return this.meanUser;
    const train = this.train;
    const r = this.rank;
    const sum = new Float64Array(r);
    const q = new Float32Array(r);
    let users = 0;
    for (let u = 0; train && u < train.nRows; u++) {
      if (train.indptr[u] === train.indptr[u + 1]) continue;
      this.userVector(train.indices.subarray(train.indptr[u], train.indptr[u + 1]), q);
      for (let k = 0; k < r; k++) sum[k] += q[k];
      users++;
    }
    this.meanUser = Float32Array.from(sum, (s) => (users > 0 ? s / users : 0));
    return this.meanUser;
  }
}
