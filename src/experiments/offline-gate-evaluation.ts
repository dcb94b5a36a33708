import { hasEntry, rowLength } from "../core/csr.js";
import { evaluate } from "../evaluation/evaluate.js";
import type { Split } from "../evaluation/splits.js";
import type { Recommendations, Recommender, RecommendOptions } from "../models/recommender.js";
import type { GateMeasure } from "./offline-gate.js";

/** nDCG@10 and catalogue coverage of a model on the gate's holdout (the project's protocol: seen items excluded). */
export function measureOnHoldout(model: Pick<Recommender, "kind" | "recommend">, split: Split): GateMeasure {
  const report = evaluate(model, split, { k: 10 });
  return { ndcg: report.ndcg, coverage: report.coverage };
}

/**
 * The champion as a recommender over the gate's index space, which extends the champion's own
 * (same users and items first, new ones after; see `datasetFromStore`). Users it never saw are
 * scored as unknown (index −1, its non-personal ranking); since it cannot exclude their training
 * items itself, it ranks `k` plus their history and the seen ones are dropped here, so every
 * list follows the same protocol as the candidate's.
 */
export function championOnSplit(
  champion: Pick<Recommender, "kind" | "recommend">,
  championUsers: number,
): Pick<Recommender, "kind" | "recommend"> {
  return {
    kind: champion.kind,
    recommend(userIndices: Int32Array, options: RecommendOptions): Recommendations {
      const { k, exclude } = options;
      let extra = 0;
      if (exclude) for (const u of userIndices) extra = Math.max(extra, rowLength(exclude, u));
      const own = userIndices.map((u) => (u < championUsers ? u : -1));
      const wide = champion.recommend(own, { k: k + extra, exclude });
      const items = new Int32Array(userIndices.length * k).fill(-1);
      const scores = new Float32Array(userIndices.length * k).fill(Number.NEGATIVE_INFINITY);
      for (let b = 0; b < userIndices.length; b++) {
        let kept = 0;
        for (let r = 0; r < wide.k && kept < k; r++) {
          const item = wide.items[b * wide.k + r];
          if (item < 0 || (exclude && hasEntry(exclude, userIndices[b], item))) continue;
          items[b * k + kept] = item;
          scores[b * k + kept] = wide.scores[b * wide.k + r];
          kept++;
        }
      }
      return { k, items, scores };
    },
  };
}
