import type { User } from "../../core/types.js";
import { scoreRows } from "../../math/dense.js";

/** The parts of the one-inner-product hybrid (blueprint: "The model is one inner product"). */
export const PART_NAMES = ["als", "ease", "elsa", "cleora", "content", "popularity", "external"] as const;
export type PartName = (typeof PART_NAMES)[number];

/** What a part is reported as in recommendation reasons. */
export const PART_REASON: Record<PartName, "cf" | "graph" | "content" | "popularity"> = {
  als: "cf",
  ease: "cf",
  elsa: "cf",
  cleora: "graph",
  content: "content",
  popularity: "popularity",
  // Imported embeddings are typically a two-tower model trained on interactions.
  external: "cf",
};

/** A user's history as the parts see it: item indices with their interaction values. */
export interface UserHistory {
  /** Index in the training matrix, or -1 for a user the parts were not trained on. */
  userIndex: number;
  items: Int32Array;
  values: Float32Array;
  user?: User;
}

/**
 * One block of the hybrid: an item matrix and a way to build the matching user query. The
 * hybrid's score is Σ_p w_p · query_p(u) · items_p[i], computed as one inner product.
 */
export interface HybridPart {
  readonly name: PartName;
  readonly dims: number;
  /** nItems × dims, row-major. Rows of items without training data may be replaced (cold items). */
  readonly items: Float32Array;
  /** Writes the user's query (dims values) into `out`. */
  query(history: UserHistory, out: Float32Array): void;
  /**
   * Per-item scores of the user (nItems values) when they are not query·items, for the blend
   * search; false to use query·items. The popularity part in the user's home context uses it;
   * at inference the same scores come from the context shift (`context-shift.ts`).
   */
  scoresFor?(history: UserHistory, out: Float32Array): boolean;
}

/** Inner products of one query with every item row: out[i] = items[i]·q. */
export function scoreItems(items: Float32Array, dims: number, q: Float32Array, out: Float32Array): void {
  scoreRows(items, out.length, dims, q, out);
}
