import type { CsrMatrix } from "../../core/csr.js";
import { PalateError } from "../../core/errors.js";
import type { Item, User } from "../../core/types.js";
import { TopK } from "../../math/top-k.js";
import type { Artifact } from "../artifact/artifact-reader.js";
import { newVersionName, writeArtifact } from "../artifact/artifact-writer.js";
import { trainingSnapshotContent, trainingSnapshotFrom } from "../artifact/training-snapshot.js";
import { pushRanked, scoreAll, scoreSome } from "../elsa/rank-items.js";
import type { Recommendations, Recommender, RecommendOptions, TrainingData } from "../recommender.js";
import { ContentFeaturizer, type ContentSpec } from "./content-featurizer.js";
import { type ContentOptions, ContentOptionsSchema, resolveContentOptions } from "./content-options.js";
import { blendDeclared, historyProfile } from "./content-profile.js";
import { type SparseRows, sparseRow, toSparseRows } from "./sparse-rows.js";

/** Options of `ContentModel`: any subset of the content options (defaults fill the rest). */
export type ContentModelOptions = Parameters<typeof resolveContentOptions>[0];

/**
 * The content-based recommender (item profiles and user profiles in one attribute space, after
 * Pazzani & Billsus 2007, "Content-Based Recommendation Systems"): items are content vectors of
 * their metadata, a user is the normalised mean of their items' vectors blended with declared
 * preferences, and score = profile · item vector.
 */
export class ContentModel implements Recommender {
  readonly kind = "content";
  readonly options: ContentOptions;
  private featurizer: ContentFeaturizer | null = null;
  private vectors: Float32Array = new Float32Array(0);
  private nItems = 0;
  private train: CsrMatrix | null = null;
  /** Declared-preference vectors of the training users (sparse; empty rows for none). */
  private declared: SparseRows = toSparseRows([], 0);
  /** The profile of all training interactions, for users with nothing of their own. */
  private globalProfile: Float32Array = new Float32Array(0);
  private snapshot: TrainingData | null = null;

  constructor(options: ContentModelOptions = {}) {
    this.options = resolveContentOptions(options);
  }

  /** Columns of a content vector. */
  get dims(): number {
    return this.requireFeaturizer().dims;
  }

  /** The item content vectors (items × dims, row-major, unit rows or zeros): the item side. */
  get itemVectors(): Float32Array {
    return this.vectors;
  }

  /** The feature name of each column. */
  get features(): readonly string[] {
    return this.requireFeaturizer().features;
  }

  async fit(data: TrainingData): Promise<void> {
    const nItems = data.matrix.nCols;
    const featurizer = ContentFeaturizer.fit(data.itemMeta.slice(0, nItems), this.options);
    const dims = featurizer.dims;
    const vectors = new Float32Array(nItems * dims);
    for (let i = 0; i < nItems; i++) {
      const item = data.itemMeta[i];
      if (item) featurizer.embedItem(item, vectors.subarray(i * dims, (i + 1) * dims));
    }
    const declared = Array.from({ length: data.matrix.nRows }, (_, u) => {
      const user = data.userMeta[u];
      return user ? featurizer.embedDeclared(user) : null;
    });
    this.setState(featurizer, vectors, nItems, data.matrix, toSparseRows(declared, dims));
    this.snapshot = data;
  }

  /** The content vector of an item from its metadata, e.g. a new item not seen in training. */
  embedItem(item: Item): Float32Array {
    return this.requireFeaturizer().embedItem(item);
  }

  /**
   * The profile of any user: the normalised (weighted) mean of their items' vectors, blended with
   * the declared preferences in `user`'s attributes when given. All zeros when there is neither.
   */
  userProfile(itemIndices: Int32Array, values?: Float32Array, user?: User): Float32Array {
    const featurizer = this.requireFeaturizer();
    for (const item of itemIndices) {
      if (!(item >= 0 && item < this.nItems))
        throw new RangeError(`item ${item} out of range [0, ${this.nItems})`);
    }
    if (values && values.length !== itemIndices.length) {
      throw new RangeError(`values has ${values.length} entries for ${itemIndices.length} items`);
    }
    const declared = user ? featurizer.embedDeclared(user) : null;
    const out = new Float32Array(featurizer.dims);
    this.profileOf(itemIndices, values, declared, out);
    return out;
  }

  recommend(userIndices: Int32Array, options: RecommendOptions): Recommendations {
    const { k, exclude, candidates } = options;
    const dims = this.dims;
    const n = this.nItems;
    const items = new Int32Array(userIndices.length * k);
    const scores = new Float32Array(userIndices.length * k);
    const top = new TopK(k);
    const profile = new Float32Array(dims);
    const declared = new Float32Array(dims);
    const itemScores = new Float32Array(n);
    const blocked = new Uint8Array(n);
    const train = this.train;
    for (let b = 0; b < userIndices.length; b++) {
      const user = userIndices[b];
      let personal = false;
      if (train !== null && user >= 0 && user < train.nRows) {
        const from = train.indptr[user];
        const to = train.indptr[user + 1];
        const hasDeclared = sparseRow(this.declared, user, declared);
        const history = train.indices.subarray(from, to);
        personal = this.profileOf(
          history,
          train.values.subarray(from, to),
          hasDeclared ? declared : null,
          profile,
        );
      }
      if (!personal) profile.set(this.globalProfile);
      if (candidates) scoreSome(this.vectors, dims, profile, candidates, itemScores);
      else scoreAll(this.vectors, n, dims, profile, itemScores);
      pushRanked(itemScores, n, candidates, exclude, user, blocked, top);
      top.drainInto(items, scores, b * k);
    }
    return { k, items, scores };
  }

  async save(dir: string): Promise<void> {
    const featurizer = this.requireFeaturizer();
    if (!this.snapshot) throw new PalateError("content model: save() before fit()");
    const base = trainingSnapshotContent(this.snapshot);
    const { declared } = this;
    await writeArtifact(dir, {
      ...base,
      version: newVersionName(this.kind),
      kind: this.kind,
      parameters: { ...featurizer.spec },
      metrics: {},
      matrices: {
        ...base.matrices,
        "content.item_vectors": { data: this.vectors, shape: [this.nItems, featurizer.dims] },
        "content.feature_weights": { data: featurizer.weights, shape: [featurizer.dims] },
        "content.declared.indptr": { data: declared.indptr, shape: [declared.indptr.length] },
        "content.declared.indices": { data: declared.indices, shape: [declared.indices.length] },
        "content.declared.values": { data: declared.values, shape: [declared.values.length] },
      },
      idMaps: { ...base.idMaps, "content.features": featurizer.features },
    });
  }

  /** Restores a fitted model from its artifact. */
  static fromArtifact(artifact: Artifact): ContentModel {
    const params = artifact.manifest.parameters;
    const parsed = ContentOptionsSchema.safeParse(params["options"]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PalateError(`${artifact.dir}: parameter 'options.${issue.path.join(".")}': ${issue.message}`);
    }
    const spec = params as unknown as ContentSpec;
    const featurizer = new ContentFeaturizer(
      { options: parsed.data, priceEdges: spec.priceEdges, numericEdges: spec.numericEdges, grid: spec.grid },
      artifact.ids("content.features"),
      artifact.f32("content.feature_weights"),
    );
    const shape = artifact.manifest.matrices["content.item_vectors"]?.shape;
    if (shape?.length !== 2 || shape[1] !== featurizer.dims) {
      throw new PalateError(
        `${artifact.dir}: matrix 'content.item_vectors' must have shape [items, ${featurizer.dims}]`,
      );
    }
    const model = new ContentModel(parsed.data);
    const declared: SparseRows = {
      indptr: artifact.i32("content.declared.indptr"),
      indices: artifact.i32("content.declared.indices"),
      values: artifact.f32("content.declared.values"),
    };
    const { matrix } = trainingSnapshotFrom(artifact);
    model.setState(featurizer, artifact.f32("content.item_vectors"), shape[0], matrix, declared);
    return model;
  }

  /** Writes a user's profile into `out`; false (zeros) when the user has neither history nor preferences. */
  private profileOf(
    itemIndices: Int32Array,
    values: Float32Array | undefined,
    declared: Float32Array | null,
    out: Float32Array,
  ): boolean {
    const dims = out.length;
    const count = historyProfile(this.vectors, dims, itemIndices, values, this.options.binary, out);
    if (declared !== null) {
      blendDeclared(out, count, declared, this.options.declaredWeight, out);
      return true;
    }
    return count > 0 && out.some((v) => v !== 0);
  }

  private setState(
    featurizer: ContentFeaturizer,
    vectors: Float32Array,
    nItems: number,
    train: CsrMatrix,
    declared: SparseRows,
  ): void {
    this.featurizer = featurizer;
    this.vectors = vectors;
    this.nItems = nItems;
    this.train = train;
    this.declared = declared;
    this.globalProfile = new Float32Array(featurizer.dims);
    historyProfile(
      vectors,
      featurizer.dims,
      train.indices,
      train.values,
      this.options.binary,
      this.globalProfile,
    );
  }

  private requireFeaturizer(): ContentFeaturizer {
    if (!this.featurizer) throw new PalateError("content model: used before fit() or fromArtifact()");
    return this.featurizer;
  }
}
