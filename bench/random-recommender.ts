import { hasEntry } from "../src/core/csr.js";
import { Random } from "../src/math/random.js";
import type { Recommendations, Recommender, RecommendOptions } from "../src/models/recommender.js";

/**
 * A random order of the candidates (seeded per user): the reference of the cold-item bar, where
 * the hybrid must reach at least twice this nDCG. Benchmark-only; not a servable model.
 */
export class RandomRecommender implements Pick<Recommender, "kind" | "recommend"> {
  readonly kind = "random";
  private nItems = 0;

  constructor(nItems: number) {
    this.nItems = nItems;
  }

  recommend(userIndices: Int32Array, options: RecommendOptions): Recommendations {
    const { k, exclude, candidates } = options;
    const items = new Int32Array(userIndices.length * k).fill(-1);
    const scores = new Float32Array(userIndices.length * k).fill(Number.NEGATIVE_INFINITY);
    const pool = candidates ?? Int32Array.from({ length: this.nItems }, (_, i) => i);
    for (let b = 0; b < userIndices.length; b++) {
      const u = userIndices[b];
      const order = new Random(1_000_003 * (u + 1)).shuffle(Array.from(pool));
      let slot = 0;
      for (const item of order) {
        if (slot === k) break;
        if (exclude && u >= 0 && hasEntry(exclude, u, item)) continue;
        items[b * k + slot] = item;
        scores[b * k + slot] = k - slot;
        slot++;
      }
    }
    return { k, items, scores };
  }
}
