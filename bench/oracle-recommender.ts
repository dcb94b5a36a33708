import { hasEntry } from "../src/core/csr.js";
import type { Dataset } from "../src/core/dataset.js";
import { restaurantIndexOf, userIndexOf, utility } from "../src/data/city/index.js";
import type { CityWorld } from "../src/data/city/world.js";
import { TopK } from "../src/math/top-k.js";
import type { Recommendations, Recommender, RecommendOptions } from "../src/models/recommender.js";

/**
 * The simulated city's ground truth as a recommender: items ranked by each user's true utility
 * (at home, any time). Its nDCG is the ceiling a model can approach on the city's held-out data.
 */
export class OracleRecommender implements Pick<Recommender, "kind" | "recommend"> {
  readonly kind = "oracle";
  private readonly worldUser: Int32Array;
  private readonly worldItem: Int32Array;

  constructor(
    private readonly world: CityWorld,
    dataset: Dataset,
  ) {
    this.worldUser = Int32Array.from(dataset.users.toArray(), (id) => userIndexOf(world, id));
    this.worldItem = Int32Array.from(dataset.items.toArray(), (id) => restaurantIndexOf(world, id));
  }

  recommend(userIndices: Int32Array, options: RecommendOptions): Recommendations {
    const { k, exclude, candidates } = options;
    const items = new Int32Array(userIndices.length * k);
    const scores = new Float32Array(userIndices.length * k);
    const top = new TopK(k);
    const count = candidates ? candidates.length : this.worldItem.length;
    for (let b = 0; b < userIndices.length; b++) {
      const u = userIndices[b];
      const wu = u >= 0 ? this.worldUser[u] : -1;
      if (wu >= 0) {
        for (let c = 0; c < count; c++) {
          const item = candidates ? candidates[c] : c;
          if (exclude && hasEntry(exclude, u, item)) continue;
          top.push(item, utility(this.world, wu, this.worldItem[item]));
        }
      }
      top.drainInto(items, scores, b * k);
    }
    return { k, items, scores };
  }
}
