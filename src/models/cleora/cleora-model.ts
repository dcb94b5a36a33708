import { PalateError } from "../../core/errors.js";
import { IdDictionary } from "../../core/id-dictionary.js";
import { createSpmmPool, sharedFloat32 } from "../../math/spmm.js";
import type { Artifact } from "../artifact/artifact-reader.js";
import { newVersionName, writeArtifact } from "../artifact/artifact-writer.js";
import { trainingSnapshotContent } from "../artifact/training-snapshot.js";
import type { Recommendations, Recommender, RecommendOptions, TrainingData } from "../recommender.js";
import { buildCleoraGraph, type CleoraGraph, rowBlock } from "./cleora-graph.js";
import {
  attributeExtractor,
  type CleoraOptions,
  type ResolvedCleoraOptions,
  resolveCleoraOptions,
} from "./cleora-options.js";
import { type CleoraInit, fillInitialVectors, hashNode, type NodeKind } from "./node-hash.js";
import { multiplyOn, propagate } from "./propagate.js";
import { rankByInnerProduct } from "./rank-by-inner-product.js";
import { whitenRows } from "./whiten.js";

/** Below this many graph entries a worker pool costs more to start than it saves. */
const PARALLEL_MIN_NNZ = 2_000_000;

/**
 * Cleora graph embeddings (Rychalska et al., "Cleora: A Simple, Strong and Scalable Graph
 * Embedding Scheme", ICONIP 2021): hash-seeded vectors of users, items and optional attribute
 * nodes, propagated by the random-walk matrix of the user–item(–attribute) graph with an L2
 * normalisation after every step; no loss and no gradients, so training is a few sparse products.
 * Users score items by inner product.
 */
export class CleoraModel implements Recommender {
  readonly kind = "cleora";
  readonly options: ResolvedCleoraOptions;
  private users: Float32Array = new Float32Array(0);
  private items: Float32Array = new Float32Array(0);
  private attrs: Float32Array = new Float32Array(0);
  private attributeIds = new IdDictionary();
  private snapshot: TrainingData | null = null;

  constructor(options: CleoraOptions = {}) {
    this.options = resolveCleoraOptions(options);
  }

  /** Embedding width. */
  get dimensions(): number {
    return this.options.dimensions;
  }

  /** User vectors, row-major (users × dimensions), unit length or zero for users without items. */
  get userEmbeddings(): Float32Array {
    return this.users;
  }

  /** Item vectors, row-major (items × dimensions), unit length or zero for items without edges. */
  get itemEmbeddings(): Float32Array {
    return this.items;
  }

  /** Attribute vectors (the mean direction of their items), by `attributeNames` index. */
  get attributeEmbeddings(): Float32Array {
    return this.attrs;
  }

  /** The attribute keys of the hyperedge nodes, in `attributeEmbeddings` row order. */
  get attributeNames(): readonly string[] {
    return this.attributeIds.toArray();
  }

  async fit(data: TrainingData): Promise<void> {
    const { dimensions: d, iterations, init, weighted, attributeShare, threads } = this.options;
    const m = data.matrix;
    const extract = attributeExtractor(this.options.attributes);
    const itemAttributes = extract
      ? Array.from({ length: m.nCols }, (_, i) => {
          const meta = data.itemMeta[i];
          return meta ? extract(meta) : undefined;
        })
      : [];
    const graph = buildCleoraGraph(m, itemAttributes, { weighted, attributeShare });
    const adjacency = graph.adjacency;
    const nUsers = m.nRows;
    const firstAttr = nUsers + m.nCols;
    const nNodes = adjacency.nRows;

    const initial = startingVectors(data, graph, d, init);

    const parallel = threads > 1 && adjacency.indptr[nNodes] >= PARALLEL_MIN_NNZ;
    const pool = parallel ? createSpmmPool(threads) : null;
    try {
      const multiply = multiplyOn(pool);
      const { x, spare } = await propagate(
        adjacency,
        initial,
        d,
        iterations,
        multiply,
        this.options.onIteration,
      );
      this.items = x.slice(nUsers * d, firstAttr * d);
      if (this.options.whiten) {
        whitenRows(this.items, d);
        // Users and attributes below average the whitened item vectors.
        x.set(this.items, nUsers * d);
      }
      // Users as the normalised mean of their items' final vectors, not their own propagated
      // vectors: nDCG@10 0.287 against 0.001 on movielens-latest-small (64 dims, 3 iterations,
      // bench/cleora.ts --quality). The graph is bipartite, so after t steps users and items
      // hold two unrelated walks (users from items of step t−1, items from users of step t−1);
      // the mean of items is one more half-step on the items' own walk, comparable with them.
      // Both products write into the spare buffer: a fresh shared one would cost page faults.
      if (this.options.userVectors === "mean-of-items") {
        const out = spare.subarray(0, nUsers * d);
        this.users = (
          await multiply(rowBlock(adjacency, 0, nUsers), x, d, { out, normalizeRows: true })
        ).slice();
      } else {
        this.users = x.slice(0, nUsers * d);
      }
      // Attributes the same way, so `embedItem` lands among the items that share them.
      const out = spare.subarray(0, (nNodes - firstAttr) * d);
      this.attrs = (
        await multiply(rowBlock(adjacency, firstAttr, nNodes), x, d, { out, normalizeRows: true })
      ).slice();
    } finally {
      await pool?.close();
    }
    this.attributeIds = graph.attributes;
    this.snapshot = data;
  }

  recommend(userIndices: Int32Array, options: RecommendOptions): Recommendations {
    const nUsers = this.users.length / this.dimensions;
    const queryRows = userIndices.map((u) => (u >= 0 && u < nUsers ? u : -1));
    return rankByInnerProduct({
      k: options.k,
      d: this.dimensions,
      items: this.items,
      queries: this.users,
      queryRows,
      exclude: options.exclude,
      excludeRows: userIndices,
      candidates: options.candidates,
    });
  }

  /** The k items most similar to each given item by cosine (vectors are unit length), itself left out. */
  similarItems(itemIndices: Int32Array, k: number): Recommendations {
    const nItems = this.items.length / this.dimensions;
    const queryRows = itemIndices.map((i) => (i >= 0 && i < nItems ? i : -1));
    return rankByInnerProduct({
      k,
      d: this.dimensions,
      items: this.items,
      queries: this.items,
      queryRows,
      excludeItem: queryRows,
    });
  }

  /**
   * A vector for an item unknown to the graph, from its attribute keys: the normalised mean of
   * their vectors. Null when no key is known (or the model was trained without attributes).
   */
  embedItem(attributes: readonly string[]): Float32Array | null {
    const d = this.dimensions;
    const out = new Float32Array(d);
    let known = 0;
    for (const key of new Set(attributes)) {
      const a = this.attributeIds.indexOf(key);
      if (a < 0) continue;
      known++;
      for (let j = 0; j < d; j++) out[j] += this.attrs[a * d + j];
    }
    const norm = Math.hypot(...out);
    if (known === 0 || norm === 0) return null;
    for (let j = 0; j < d; j++) out[j] /= norm;
    return out;
  }

  async save(dir: string): Promise<void> {
    if (!this.snapshot) throw new PalateError("cleora model: save() before fit()");
    const base = trainingSnapshotContent(this.snapshot);
    const d = this.dimensions;
    const { attributes, attributeShare, threads: _threads, onIteration: _hook, ...parameters } = this.options;
    await writeArtifact(dir, {
      ...base,
      version: newVersionName(this.kind),
      kind: this.kind,
      parameters: {
        ...parameters,
        attributes: typeof attributes === "function" ? "custom" : attributes,
        attributeShare: attributeShare ?? null,
      },
      metrics: {},
      matrices: {
        ...base.matrices,
        "cleora.user_embeddings": { data: this.users, shape: [this.users.length / d, d] },
        "cleora.item_embeddings": { data: this.items, shape: [this.items.length / d, d] },
        "cleora.attribute_embeddings": { data: this.attrs, shape: [this.attributeIds.size, d] },
      },
      idMaps: { ...base.idMaps, attributes: this.attributeIds.toArray() },
    });
  }

  /** Restores a fitted model from its artifact (attribute hyperedges of a custom extractor included). */
  static fromArtifact(artifact: Artifact): CleoraModel {
    const p = artifact.manifest.parameters;
    const shape = artifact.manifest.matrices["cleora.item_embeddings"]?.shape;
    if (shape?.length !== 2) {
      throw new PalateError(`${artifact.dir}: matrix 'cleora.item_embeddings' must be 2-D`);
    }
    const attributes = p["attributes"];
    const model = new CleoraModel({
      dimensions: shape[1],
      iterations: numberParameter(artifact, "iterations"),
      init: p["init"] === "uniform" ? "uniform" : "sign",
      userVectors: p["userVectors"] === "propagated" ? "propagated" : "mean-of-items",
      weighted: p["weighted"] === true,
      whiten: p["whiten"] !== false,
      attributes: attributes === "default" || attributes === "categories" ? attributes : "none",
      attributeShare: typeof p["attributeShare"] === "number" ? p["attributeShare"] : undefined,
    });
    model.users = artifact.f32("cleora.user_embeddings");
    model.items = artifact.f32("cleora.item_embeddings");
    model.attrs = artifact.f32("cleora.attribute_embeddings");
    model.attributeIds = IdDictionary.from(artifact.ids("attributes"));
    return model;
  }
}

/** The hash-seeded vectors of every node (users, items, attributes) on shared memory. */
function startingVectors(data: TrainingData, graph: CleoraGraph, d: number, init: CleoraInit): Float32Array {
  const nUsers = graph.nUsers;
  const firstAttr = nUsers + graph.nItems;
  const nNodes = graph.adjacency.nRows;
  const hashes = new Int32Array(2 * nNodes);
  const hashAll = (kind: NodeKind, offset: number, n: number, idAt: (i: number) => string) => {
    for (let i = 0; i < n; i++) hashNode(kind, idAt(i), hashes, offset + i);
  };
  hashAll("user", 0, nUsers, (u) => data.users.idAt(u));
  hashAll("item", nUsers, graph.nItems, (i) => data.items.idAt(i));
  hashAll("attribute", firstAttr, graph.attributes.size, (a) => graph.attributes.idAt(a));
  const initial = sharedFloat32(nNodes * d);
  fillInitialVectors(hashes, d, init, 0, initial);
  return initial;
}

function numberParameter(artifact: Artifact, name: string): number {
  const value = artifact.manifest.parameters[name];
  if (typeof value !== "number")
    throw new PalateError(`${artifact.dir}: parameter '${name}' must be a number`);
  return value;
}
