import type { HistoryBuckets } from "./blend-search.js";
import type { PartName } from "./hybrid-part.js";
import type { PartOptions } from "./train-parts.js";

/** Options of the hybrid: which parts, how to carve validation, how to bucket users. */
export interface HybridOptions extends PartOptions {
  parts?: PartName[];
  buckets?: HistoryBuckets;
  validation?: {
    /** Share of each item's training pairs kept for fitting the parts during weight search. */
    ratio?: number;
    /** Share of users made artificially cold (first `coldN` interactions only) in validation. */
    coldFraction?: number;
    coldN?: number;
    /** Validation users per bucket (sampled) used to search the weights. */
    maxUsersPerBucket?: number;
    seed?: number;
  };
  /** Ridge penalty of the content → cf/graph projection for cold items. */
  coldItemRidge?: number;
  /** Items with at least this many training users train the cold-item projection. */
  coldItemMinUsers?: number;
  /** Called after each stage with its duration (progress and per-stage timing). */
  onStage?: (stage: string, seconds: number) => void;
  /** Called as a stage advances (iterations or epochs of a part), for progress bars with ETA. */
  onProgress?: (stage: string, done: number, total: number) => void;
}

/**
 * Defaults: ALS, Cleora, content and popularity; cold ≤ 5 interactions, warm ≤ 50; 80/20
 * validation with 20% cold users. The item–item parts are opt-in (`parts`): EASE (exact, in
 * factorised form) adds 256 dimensions to every item row, which the ANN index pays on every
 * request, takes the movielens-latest-small training to 24 s (its λ trials, weight-search pools
 * and save; budget 20 s) and lowers the city's one-interaction users (nDCG@10 0.158 → 0.147);
 * ELSA reconstructs every user's row over the whole catalogue each epoch (≈ 115 s per fit on
 * movielens-latest-small), and EASE matches it in about a second.
 */
export const HYBRID_DEFAULTS = {
  parts: ["als", "cleora", "content", "popularity"] as PartName[],
  buckets: { coldMax: 5, warmMax: 50 },
  validation: { ratio: 0.8, coldFraction: 0.2, coldN: 3, maxUsersPerBucket: 400, seed: 42 },
  coldItemRidge: 1,
  coldItemMinUsers: 3,
};
