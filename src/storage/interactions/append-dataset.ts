import type { Dataset } from "../../core/dataset.js";
import type { Interaction } from "../../core/types.js";
import type { InteractionStore } from "./interaction-store.js";

/**
 * Appends every interaction of a loaded dataset to `store`, in load order, `batchSize` per
 * append (one transaction each): how a deployment's interaction store is seeded with the history
 * its first model was trained on, before the controller ingests live events on top.
 */
export async function appendDataset(
  store: InteractionStore,
  dataset: Dataset,
  batchSize = 20_000,
): Promise<void> {
  const t = dataset.interactions;
  for (let start = 0; start < t.length; start += batchSize) {
    const batch: Interaction[] = [];
    for (let i = start; i < Math.min(t.length, start + batchSize); i++) {
      batch.push({
        userId: dataset.users.idAt(t.userIndex[i]),
        itemId: dataset.items.idAt(t.itemIndex[i]),
        type: t.types.idAt(t.typeCode[i]),
        timestamp: t.timestamp[i],
      });
    }
    await store.append(batch);
  }
}
