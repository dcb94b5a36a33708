import type { CsrMatrix } from "../core/csr.js";
import { PalateError } from "../core/errors.js";
import type { IdDictionary } from "../core/id-dictionary.js";
import { readArtifact } from "./artifact/artifact-reader.js";
import type { Manifest } from "./artifact/manifest.js";
import { trainingSnapshotFrom } from "./artifact/training-snapshot.js";
import { PopularityModel } from "./popularity/popularity-model.js";
import type { Recommender } from "./recommender.js";

/** The model kinds `palate train --model` accepts. */
export const MODEL_KINDS = ["popularity"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** A new, untrained model of `kind` with its default parameters. */
export function createModel(kind: ModelKind): Recommender {
  switch (kind) {
    case "popularity":
      return new PopularityModel();
  }
}

/** A model version loaded from disk, with the id maps and training matrix stored beside it. */
export interface LoadedModel {
  model: Recommender;
  manifest: Manifest;
  users: IdDictionary;
  items: IdDictionary;
  /** The training user × item matrix (items seen in training, for filtering and fold-in). */
  train: CsrMatrix;
}

/** Loads a trained model version from its artifact directory, whatever its kind. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const artifact = await readArtifact(dir);
  const kind = artifact.manifest.kind;
  const snapshot = trainingSnapshotFrom(artifact);
  let model: Recommender;
  switch (kind) {
    case "popularity":
      model = PopularityModel.fromArtifact(artifact);
      break;
    default:
      throw new PalateError(`${dir}: unknown model kind '${kind}' (known: ${MODEL_KINDS.join(", ")})`);
  }
  return {
    model,
    manifest: artifact.manifest,
    users: snapshot.users,
    items: snapshot.items,
    train: snapshot.matrix,
  };
}
