import { PalateError } from "../core/errors.js";
import { readArtifact } from "./artifact/artifact-reader.js";
import { PopularityModel } from "./popularity/popularity-model.js";
import type { Recommender } from "./recommender.js";

/** The model kinds `palate train --model` accepts. */
export const MODEL_KINDS = ["popularity"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** Whether `name` is a model kind this build knows. */
export function isModelKind(name: string): name is ModelKind {
  return (MODEL_KINDS as readonly string[]).includes(name);
}

/** A new, untrained model of `kind` with its default parameters. */
export function createModel(kind: ModelKind): Recommender {
  switch (kind) {
    case "popularity":
      return new PopularityModel();
  }
}

/** Loads a trained model version from its artifact directory, whatever its kind. */
export async function loadModel(dir: string): Promise<Recommender> {
  const artifact = await readArtifact(dir);
  const kind = artifact.manifest.kind;
  switch (kind) {
    case "popularity":
      return PopularityModel.fromArtifact(artifact);
    default:
      throw new PalateError(`${dir}: unknown model kind '${kind}' (known: ${MODEL_KINDS.join(", ")})`);
  }
}
