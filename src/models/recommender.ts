import type { CsrMatrix } from "../core/csr.js";
import type { IdDictionary } from "../core/id-dictionary.js";
import type { InteractionTable } from "../core/interaction-table.js";
import type { Item, User } from "../core/types.js";

/** What a model trains on: the training user × item matrix and the metadata around it. */
export interface TrainingData {
  /** User × item confidence matrix (event weights applied, duplicates summed). */
  readonly matrix: CsrMatrix;
  readonly users: IdDictionary;
  readonly items: IdDictionary;
  readonly itemMeta: readonly (Item | undefined)[];
  readonly userMeta: readonly (User | undefined)[];
  /** Where the data came from (a path or dataset name), recorded in the artifact. */
  readonly source?: string;
  /** Raw interaction count and latest event time, recorded for freshness checks. */
  readonly interactionCount?: number;
  readonly maxTimestamp?: number | null;
  /**
   * The raw events, for parts that learn from their context (time, place): the popularity
   * prior per location cell × meal period. Only events of pairs in `matrix` may be used.
   */
  readonly interactions?: InteractionTable;
}

/** Options of a batch recommendation call. */
export interface RecommendOptions {
  k: number;
  /** Per-user items to leave out (rows indexed by user index), typically the training matrix. */
  exclude?: CsrMatrix;
  /** Restrict ranking to these item indices (the cold-item protocol ranks only held-out items). */
  candidates?: Int32Array;
}

/**
 * Top-k lists for a batch of users as parallel arrays: row `u` of the batch occupies
 * `[u*k, (u+1)*k)`; unused slots hold item -1 and score -Infinity.
 */
export interface Recommendations {
  readonly k: number;
  readonly items: Int32Array;
  readonly scores: Float32Array;
}

/** The one small interface every model implements (after `implicit`'s). */
export interface Recommender {
  /** The model kind, e.g. "popularity", "als". */
  readonly kind: string;
  fit(data: TrainingData): Promise<void>;
  /** Top-k per user; index -1 stands for a user unknown to the model (non-personal scores). */
  recommend(userIndices: Int32Array, options: RecommendOptions): Recommendations;
  /** Writes the model as an artifact directory (see `artifact.ts`). */
  save(dir: string): Promise<void>;
}

/** An optional capability: item-to-item similarity (ALS, ELSA, Cleora, hybrid). */
export interface SimilarItems {
  similarItems(itemIndices: Int32Array, k: number): Recommendations;
}

/** Whether `model` can list similar items. */
export function hasSimilarItems(model: Recommender): model is Recommender & SimilarItems {
  return typeof (model as Partial<SimilarItems>).similarItems === "function";
}
