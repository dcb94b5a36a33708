import type { CsrMatrix } from "../core/csr.js";
import { PalateError } from "../core/errors.js";
import type { IdDictionary } from "../core/id-dictionary.js";
import { AlsModel } from "./als/als-model.js";
import { readArtifact } from "./artifact/artifact-reader.js";
import type { Manifest } from "./artifact/manifest.js";
import { trainingSnapshotFrom } from "./artifact/training-snapshot.js";
import { CleoraModel } from "./cleora/cleora-model.js";
import { ContentModel } from "./content/content-model.js";
import { EaseModel } from "./ease/ease-model.js";
import { ElsaModel } from "./elsa/elsa-model.js";
import { loadHybrid } from "./hybrid/hybrid-artifact.js";
import { HybridModel } from "./hybrid/hybrid-model.js";
import type { HybridOptions } from "./hybrid/hybrid-options.js";
import { PopularityModel } from "./popularity/popularity-model.js";
import type { Recommender } from "./recommender.js";

/** The model kinds `palate train --model` accepts; `hybrid` blends the others. */
export const MODEL_KINDS = ["hybrid", "als", "ease", "elsa", "cleora", "content", "popularity"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** A new, untrained model of `kind`; `options` holds each part's options (the hybrid's shape). */
export function createModel(kind: ModelKind, options: HybridOptions = {}): Recommender {
  switch (kind) {
    case "hybrid":
      return new HybridModel(options);
    case "als":
      return new AlsModel(options.als);
    case "ease":
      return new EaseModel(options.ease);
    case "elsa":
      return new ElsaModel(options.elsa);
    case "cleora":
      return new CleoraModel(options.cleora);
    case "content":
      return new ContentModel(options.content);
    case "popularity":
      return new PopularityModel(options.popularity);
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
    case "hybrid":
      model = await loadHybrid(artifact, async (partDir) => (await loadModel(partDir)).model);
      break;
    case "als":
      model = AlsModel.fromArtifact(artifact);
      break;
    case "ease":
      model = EaseModel.fromArtifact(artifact);
      break;
    case "elsa":
      model = ElsaModel.fromArtifact(artifact);
      break;
    case "cleora":
      model = CleoraModel.fromArtifact(artifact);
      break;
    case "content":
      model = ContentModel.fromArtifact(artifact);
      break;
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
