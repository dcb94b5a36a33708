import { TopK } from "../math/top-k.js";
import { PART_REASON } from "../models/hybrid/hybrid-part.js";
import type { Reason, ServingModel } from "./serving-model.js";

/** One similar item with the part that made it similar. */
export interface SimilarItem {
  item: number;
  score: number;
  reason: Reason;
}

/**
 * The k items most like `item`, deleted items and the item itself left out. Model items use the
 * hybrid's blend-weighted cosine; items added through the API (no learned rows in the hybrid)
 * use cosine over their serving rows, which hold content-predicted cf and graph blocks.
 */
export function similarItems(model: ServingModel, item: number, k: number): SimilarItem[] {
  const catalog = model.catalog;
  if (item < catalog.modelItems) {
    const want = Math.min(catalog.modelItems, k + 1 + catalog.deletedItems);
    const found = model.hybrid.similarItems(Int32Array.of(item), want);
    const out: SimilarItem[] = [];
    for (let c = 0; c < found.k && out.length < k; c++) {
      const other = found.items[c];
      if (other < 0 || other === item || catalog.isDeleted(other)) continue;
      out.push({
        item: other,
        score: found.scores[c],
        reason: PART_REASON[model.hybrid.similarityReason(item, other)],
      });
    }
    return out;
  }
  return cosineScan(model, item, k);
}

function cosineScan(model: ServingModel, item: number, k: number): SimilarItem[] {
  const target = model.rowOf(item);
  const norm = Math.hypot(...target) || 1;
  const top = new TopK(k);
  for (let other = 0; other < model.catalog.size; other++) {
    if (other === item || model.catalog.isDeleted(other)) continue;
    const row = model.rowOf(other);
    let dot = 0;
    let sq = 0;
    for (let j = 0; j < row.length; j++) {
      dot += row[j] * target[j];
      sq += row[j] * row[j];
    }
    top.push(other, dot / (norm * (Math.sqrt(sq) || 1)));
  }
  const items = new Int32Array(k);
  const scores = new Float32Array(k);
  top.drainInto(items, scores, 0);
  const out: SimilarItem[] = [];
  for (let c = 0; c < k && items[c] >= 0; c++) {
    const reasons = model.reasonsFor(target, items[c]);
    out.push({ item: items[c], score: scores[c], reason: reasons[0] ?? "content" });
  }
  return out;
}
