import { type DriftBaselines, driftBaselinesOf } from "../models/artifact/drift-baselines.js";
import type { Manifest } from "../models/artifact/manifest.js";
import type { ServingModel } from "../recommend/serving-model.js";

/** A serving model's baselines, or why it has none. */
export type BaselinesOrReason = { ok: true; baselines: DriftBaselines } | { ok: false; reason: string };

const attached = new WeakMap<ServingModel, BaselinesOrReason>();

/**
 * Remembers a serving model's training baselines, read from its manifest when it is loaded
 * (ServingModel keeps only the version, and serving code should not grow a drift field).
 */
export function attachDriftBaselines(model: ServingModel, manifest: Manifest): ServingModel {
  attached.set(model, driftBaselinesOf(manifest));
  return model;
}

/** The baselines attached to a model, or the reason there are none. */
export function baselinesOf(model: ServingModel): BaselinesOrReason {
  return (
    attached.get(model) ?? {
      ok: false,
      reason: "no baseline: the model was loaded without its manifest's baselines",
    }
  );
}
