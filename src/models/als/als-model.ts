import type { CsrMatrix } from "../../core/csr.js";
import { PalateError } from "../../core/errors.js";
import { rowNorms, similarByCosine } from "../../math/cosine-similarity.js";
import { accumulateGramTiles, gramTileRows, mirrorUpper } from "../../math/dense.js";
import type { WorkerPool } from "../../math/worker-pool.js";
import { defaultThreads } from "../../math/worker-pool.js";
import type { Artifact } from "../artifact/artifact-reader.js";
import { newVersionName, writeArtifact } from "../artifact/artifact-writer.js";
import { trainingSnapshotContent } from "../artifact/training-snapshot.js";
import type { Recommendations, Recommender, RecommendOptions, TrainingData } from "../recommender.js";
import { type AlsExecutor, createAlsPool, inlineExecutor, poolExecutor } from "./als-executor.js";
import { type AlsParams, resolveAlsParams } from "./als-params.js";
import { type AlsTrainingHooks, trainAls } from "./als-training.js";
import { recommendByFactors } from "./factor-scoring.js";
import { foldInExact } from "./fold-in.js";

/** Options of `AlsModel`: hyper-parameters plus how to run (not stored in the artifact). */
export interface AlsOptions extends Partial<AlsParams>, AlsTrainingHooks {
  /** Worker threads for training (default: one per core); 0 trains on the calling thread. */
  threads?: number;
  /** A pool from `createAlsPool` to train on instead of starting one per fit. */
  pool?: WorkerPool;
}

/**
 * The one shape check of training (the kernels trust their inputs): consistent CSR arrays and
 * finite non-negative values, since a negative confidence would make a row system indefinite.
 */
function checkTrainingMatrix(m: CsrMatrix): void {
  const nnz = m.indptr[m.nRows];
  if (m.indptr.length !== m.nRows + 1 || m.indices.length !== nnz || m.values.length !== nnz) {
    throw new RangeError(
      `als: inconsistent CSR matrix (${m.nRows} rows, indptr ${m.indptr.length}, indices ${m.indices.length}, values ${m.values.length})`,
    );
  }
  for (let e = 0; e < nnz; e++) {
    const c = m.indices[e];
    if (!(c >= 0 && c < m.nCols)) throw new RangeError(`als: column ${c} outside [0, ${m.nCols})`);
    if (!(m.values[e] >= 0 && Number.isFinite(m.values[e]))) {
      throw new RangeError(`als: values must be finite and ≥ 0, entry ${e} is ${m.values[e]}`);
    }
  }
}

/** Artifact matrix names of the factors. */
const USER_FACTORS = "als.user_factors";
const ITEM_FACTORS = "als.item_factors";

/**
 * Implicit-feedback matrix factorisation: "Collaborative Filtering for Implicit Feedback
 * Datasets" (Hu, Koren & Volinsky 2008), with row systems solved by a few warm-started conjugate
 * gradient steps ("Applications of the conjugate gradient method for implicit feedback
 * collaborative filtering", Takács, Pilászy & Tikk 2011) as the `implicit` library does.
 * score(u, i) = x_u · y_i; training runs on worker threads over shared memory.
 */
export class AlsModel implements Recommender {
  readonly kind = "als";
  readonly params: AlsParams;
  private readonly options: AlsOptions;
  private users: Float32Array = new Float32Array(0);
  private items: Float32Array = new Float32Array(0);
  private nUsers = 0;
  private nItems = 0;
  private snapshot: TrainingData | null = null;
  /** YᵀY for fold-in and item norms for similarity, computed on first use. */
  private itemGram: Float64Array | null = null;
  private itemNorms: Float32Array | null = null;

  constructor(options: AlsOptions = {}) {
    this.params = resolveAlsParams(options);
    this.options = options;
  }

  /** User factors, row-major [users × factors]. */
  get userFactors(): Float32Array {
    return this.users;
  }

  /** Item factors, row-major [items × factors]. */
  get itemFactors(): Float32Array {
    return this.items;
  }

  async fit(data: TrainingData): Promise<void> {
    checkTrainingMatrix(data.matrix);
    const threads = this.options.threads ?? defaultThreads();
    if (!Number.isInteger(threads) || threads < 0)
      throw new RangeError(`threads must be an integer ≥ 0, got ${threads}`);
    let executor: AlsExecutor;
    if (this.options.pool) executor = poolExecutor(this.options.pool, false);
    else if (threads === 0) executor = inlineExecutor();
    else executor = poolExecutor(createAlsPool(threads), true);
    try {
      const factors = await trainAls(data.matrix, this.params, executor, this.options);
      this.setFactors(factors.userFactors, factors.itemFactors, data.matrix.nRows, data.matrix.nCols);
    } finally {
      await executor.close();
    }
    this.snapshot = data;
  }

  recommend(userIndices: Int32Array, options: RecommendOptions): Recommendations {
    return recommendByFactors(this.tables(), userIndices, options);
  }

  /** Top-k items by x · y_i for a user vector (e.g. from `foldInUser`), `exclude` left out. */
  recommendForVector(
    vector: Float32Array,
    k: number,
    exclude: Int32Array = new Int32Array(0),
  ): Recommendations {
    this.checkVector(vector);
    const sorted = Int32Array.from(exclude).sort();
    const matrix = {
      nRows: 1,
      nCols: this.nItems,
      indptr: Int32Array.of(0, sorted.length),
      indices: sorted,
      values: new Float32Array(sorted.length),
    };
    const tables = { ...this.tables(), userFactors: vector, nUsers: 1 };
    return recommendByFactors(tables, Int32Array.of(0), { k, exclude: matrix });
  }

  /** The k items most similar to each given item (cosine of item factors), itself left out. */
  similarItems(itemIndices: Int32Array, k: number): Recommendations {
    this.itemNorms ??= rowNorms(this.items, this.nItems, this.params.factors);
    return similarByCosine(this.items, this.itemNorms, this.params.factors, itemIndices, k);
  }

  /**
   * A user vector from a handful of interactions without retraining: one exact least-squares
   * step against the fixed item factors (what a trained user's own row converges to).
   */
  foldInUser(itemIndices: Int32Array, values: Float32Array): Float32Array {
    if (itemIndices.length !== values.length) {
      throw new RangeError(`foldInUser: ${itemIndices.length} items but ${values.length} values`);
    }
    for (const item of itemIndices) {
      if (!Number.isInteger(item) || item < 0 || item >= this.nItems) {
        throw new RangeError(`foldInUser: item index ${item} outside [0, ${this.nItems})`);
      }
    }
    const k = this.params.factors;
    if (this.itemGram === null) {
      const gram = new Float64Array(k * k);
      accumulateGramTiles(this.items, this.nItems, k, 0, gramTileRows(k), gram);
      mirrorUpper(gram, k);
      this.itemGram = gram;
    }
    const basis = { ...this.params, itemFactors: this.items, gram: this.itemGram, k };
    const solution = new Float64Array(k);
    if (!foldInExact(basis, itemIndices, values, new Float64Array(k * k), solution)) {
      throw new PalateError("foldInUser: the system is not positive definite (regularization 0?)");
    }
    return Float32Array.from(solution);
  }

  async save(dir: string): Promise<void> {
    if (!this.snapshot) throw new PalateError("als model: save() before fit()");
    const base = trainingSnapshotContent(this.snapshot);
    const k = this.params.factors;
    await writeArtifact(dir, {
      ...base,
      version: newVersionName(this.kind),
      kind: this.kind,
      parameters: { ...this.params },
      metrics: {},
      matrices: {
        ...base.matrices,
        [USER_FACTORS]: { data: this.users, shape: [this.nUsers, k] },
        [ITEM_FACTORS]: { data: this.items, shape: [this.nItems, k] },
      },
    });
  }

  /** Restores a fitted model from its artifact, checking the factor shapes against the data. */
  static fromArtifact(artifact: Artifact): AlsModel {
    const params = resolveAlsParams(artifact.manifest.parameters, artifact.dir);
    const { users, items } = artifact.manifest.dataSnapshot;
    const factors = (name: string, rows: number) => {
      const entry = artifact.manifest.matrices[name];
      const expected = `[${rows}, ${params.factors}]`;
      if (entry && `[${entry.shape.join(", ")}]` !== expected) {
        throw new PalateError(
          `${artifact.dir}: matrix '${name}' has shape [${entry.shape}], expected ${expected}`,
        );
      }
      return artifact.f32(name);
    };
    const model = new AlsModel(params);
    model.setFactors(factors(USER_FACTORS, users), factors(ITEM_FACTORS, items), users, items);
    return model;
  }

  private setFactors(users: Float32Array, items: Float32Array, nUsers: number, nItems: number): void {
    this.users = users;
    this.items = items;
    this.nUsers = nUsers;
    this.nItems = nItems;
    this.itemGram = null;
    this.itemNorms = null;
  }

  private tables() {
    return {
      userFactors: this.users,
      itemFactors: this.items,
      dim: this.params.factors,
      nUsers: this.nUsers,
      nItems: this.nItems,
    };
  }

  private checkVector(vector: Float32Array): void {
    if (vector.length !== this.params.factors) {
      throw new RangeError(`expected a vector of ${this.params.factors} factors, got ${vector.length}`);
    }
  }
}
