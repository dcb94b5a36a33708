import type { CsrMatrix } from "../../core/csr.js";
import { IdDictionary } from "../../core/id-dictionary.js";
import type { TrainingData } from "../recommender.js";
import type { Artifact } from "./artifact-reader.js";
import type { ArtifactContent } from "./artifact-writer.js";

/**
 * The part every artifact shares: user and item id maps, the training matrix (to filter seen
 * items and to fold users in) and the data snapshot for freshness checks.
 */
export function trainingSnapshotContent(
  data: TrainingData,
): Pick<ArtifactContent, "dataSnapshot" | "matrices" | "idMaps"> {
  const m = data.matrix;
  let maxTimestamp: number | null = data.maxTimestamp ?? null;
  if (data.maxTimestamp === undefined && m.timestamps && m.timestamps.length > 0) {
    maxTimestamp = m.timestamps.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
  }
  return {
    dataSnapshot: {
      source: data.source ?? "unknown",
      interactions: data.interactionCount ?? m.indices.length,
      users: m.nRows,
      items: m.nCols,
      maxTimestamp,
    },
    matrices: {
      "train.indptr": { data: m.indptr, shape: [m.indptr.length] },
      "train.indices": { data: m.indices, shape: [m.indices.length] },
      "train.values": { data: m.values, shape: [m.values.length] },
    },
    idMaps: { users: data.users.toArray(), items: data.items.toArray() },
  };
}

/** The training matrix and dictionaries back from an artifact. */
export function trainingSnapshotFrom(artifact: Artifact): {
  matrix: CsrMatrix;
  users: IdDictionary;
  items: IdDictionary;
} {
  const users = IdDictionary.from(artifact.ids("users"));
  const items = IdDictionary.from(artifact.ids("items"));
  return {
    matrix: {
      nRows: users.size,
      nCols: items.size,
      indptr: artifact.i32("train.indptr"),
      indices: artifact.i32("train.indices"),
      values: artifact.f32("train.values"),
    },
    users,
    items,
  };
}
