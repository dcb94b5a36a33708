import { flattenMetrics } from "../experiments/registry-intake.js";
import type { Manifest } from "../models/artifact/manifest.js";
import { BUCKET_NAMES } from "../models/hybrid/blend-search.js";

/** What /metrics says about a model version, read once from its manifest when it loads. */
export interface ModelFacts {
  version: string;
  kind: string;
  /** When the version was written (the manifest's `createdAt`), unix seconds. */
  trainedAtSeconds: number;
  /** Wall time of the fit, when the trainer recorded it in the manifest (`metrics.trainingSeconds`). */
  trainingSeconds: number | null;
  /** The manifest's numeric offline metrics by dotted name; blend weights are parameters, not metrics. */
  offline: Record<string, number>;
  /** Size of the training data. */
  data: { interactions: number; users: number; items: number };
}

/** The facts of a manifest (pure: no I/O). */
export function modelFacts(manifest: Manifest): ModelFacts {
  const offline: Record<string, number> = {};
  let trainingSeconds: number | null = null;
  for (const [name, value] of Object.entries(flattenMetrics(manifest.metrics))) {
    if (name === "trainingSeconds") trainingSeconds = value;
    else if (!name.startsWith("weights.")) offline[bucketNamed(name)] = value;
  }
  const { interactions, users, items } = manifest.dataSnapshot;
  return {
    version: manifest.version,
    kind: manifest.kind,
    trainedAtSeconds: Date.parse(manifest.createdAt) / 1000,
    trainingSeconds,
    offline,
    data: { interactions, users, items },
  };
}

/**
 * The hybrid stores validation nDCG@10 per history bucket as an array; its index becomes the
 * bucket's name (`validationNdcgByBucket.0` → `validationNdcgByBucket.cold`), which a reader of a
 * dashboard can understand without the blueprint at hand.
 */
function bucketNamed(name: string): string {
  const match = /^validationNdcgByBucket\.(\d+)$/.exec(name);
  const bucket = match ? BUCKET_NAMES[Number(match[1])] : undefined;
  return bucket ? `validationNdcgByBucket.${bucket}` : name;
}
