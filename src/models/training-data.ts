import type { CsrMatrix } from "../core/csr.js";
import { type Dataset, interactionMatrix } from "../core/dataset.js";
import type { TrainingData } from "./recommender.js";

/**
 * The training view of a dataset: its full interaction matrix, or `matrix` (e.g. a split's train
 * part) with the dataset's dictionaries and metadata.
 */
export function trainingDataOf(dataset: Dataset, matrix?: CsrMatrix): TrainingData {
  const t = dataset.interactions;
  let maxTimestamp: number | null = null;
  for (let i = 0; i < t.length; i++)
    if (maxTimestamp === null || t.timestamp[i] > maxTimestamp) maxTimestamp = t.timestamp[i];
  return {
    matrix: matrix ?? interactionMatrix(dataset),
    users: dataset.users,
    items: dataset.items,
    itemMeta: dataset.itemMeta,
    userMeta: dataset.userMeta,
    source: dataset.name,
    interactionCount: matrix ? matrix.indices.length : t.length,
    maxTimestamp,
    // A split's view keeps the events too: their one consumer, the per-context popularity prior,
    // keeps only events of pairs in `matrix` (context-events.ts), so held-out pairs never count.
    interactions: t,
  };
}
