import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Manifest } from "../models/artifact/manifest.js";
import { HybridModel } from "../models/hybrid/hybrid-model.js";
import type { HybridOptions } from "../models/hybrid/hybrid-options.js";
import type { PartName } from "../models/hybrid/hybrid-part.js";
import { loadModel } from "../models/model-kinds.js";
import { openInteractionStore } from "../storage/interactions/open-interaction-store.js";
import type { GateMeasure } from "./offline-gate.js";
import { championOnSplit, measureOnHoldout } from "./offline-gate-evaluation.js";
import { datasetFromStore, gateSplit, usersWithEntries } from "./retrain-data.js";
import type { RetrainTraining } from "./retrain-rules.js";

/** What a retrain is asked to do (JSON: it crosses into a child process). */
export interface RetrainSpec {
  /** The interaction store URL (the child opens its own connection). */
  interactions: string;
  /** The champion's version directory: its catalogue, its parts, and the model to beat. */
  championDir: string;
  /** Where to write the candidate version (a fresh directory; the writer renames it into place). */
  outDir: string;
  /** The champion's newest training interaction (unix seconds): what is newer is fresh data. */
  since: number;
  holdoutShare: number;
  /** Fewer held-out users than this: return `deferred` without training (the gate could not judge). */
  minHoldoutUsers: number;
  training: RetrainTraining;
}

/** What a retrain produced: the candidate on disk and both models' numbers on the holdout. */
export interface RetrainResult {
  modelDir: string;
  version: string;
  champion: GateMeasure;
  candidate: GateMeasure;
  holdoutUsers: number;
  /** Holdout cut (unix seconds): the candidate trained on what came before. */
  cut: number;
  trainedInteractions: number;
  /** Interactions in the store when the retrain read it, holdout included, and the newest one's time. */
  dataInteractions: number;
  dataUntil: number | null;
  /** True when the holdout had fewer users than `minHoldoutUsers`: nothing was trained. */
  deferred: boolean;
  seconds: number;
}

/**
 * Trains a candidate hybrid on the interaction store's data (minus the gate's holdout) with the
 * champion's parts and history buckets, saves it, and measures candidate and champion on the
 * holdout. Runs in a child process (`retrain-child.ts`): training is seconds to minutes of CPU
 * that must not stall the controller's ticks, and a crash or kill of the child leaves at most a
 * directory outside the registry.
 */
export async function runRetrainJob(spec: RetrainSpec): Promise<RetrainResult> {
  const started = performance.now();
  const champion = await loadModel(spec.championDir);
  const store = await openInteractionStore(spec.interactions);
  let dataset: Awaited<ReturnType<typeof datasetFromStore>>;
  try {
    dataset = await datasetFromStore(store, champion, spec.since);
  } finally {
    await store.close();
  }
  const { split, cut, training } = gateSplit(dataset, spec.since, spec.holdoutShare);
  const t = dataset.interactions;
  let dataUntil: number | null = null;
  for (let i = 0; i < t.length; i++)
    if (dataUntil === null || t.timestamp[i] > dataUntil) dataUntil = t.timestamp[i];
  const base = {
    cut,
    holdoutUsers: usersWithEntries(split.test),
    trainedInteractions: training.interactionCount ?? 0,
    dataInteractions: t.length,
    dataUntil,
  };
  if (base.holdoutUsers < spec.minHoldoutUsers) {
    const none = { ndcg: Number.NaN, coverage: Number.NaN };
    const seconds = (performance.now() - started) / 1000;
    return { ...base, modelDir: "", version: "", champion: none, candidate: none, deferred: true, seconds };
  }
  const model = new HybridModel(hybridOptions(champion.manifest, spec.training));
  await model.fit(training);
  await model.save(spec.outDir);
  // The registry verifies every checksum when it copies the version in; the name is all we need here.
  const { version } = JSON.parse(await readFile(join(spec.outDir, "manifest.json"), "utf8")) as Manifest;
  return {
    ...base,
    modelDir: spec.outDir,
    version,
    champion: measureOnHoldout(championOnSplit(champion.model, champion.users.size), split),
    candidate: measureOnHoldout(model, split),
    deferred: false,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The champion's parts and buckets (from its manifest) with the configured part options. */
function hybridOptions(manifest: Manifest, t: RetrainTraining): HybridOptions {
  const params = manifest.parameters as { parts?: PartName[]; buckets?: HybridOptions["buckets"] };
  // An imported-embeddings part cannot be refitted from interactions: it is left out.
  const championParts =
    manifest.kind === "hybrid" ? params.parts?.filter((p) => p !== "external") : undefined;
  return {
    parts: t.parts ?? (championParts && championParts.length > 0 ? championParts : undefined),
    buckets: manifest.kind === "hybrid" ? params.buckets : undefined,
    // Single-threaded: the retrain is one process beside the serving ones, not the machine's only job.
    als: { threads: 0, ...t.als },
    cleora: { threads: 1, ...t.cleora },
    validation: t.validation,
  };
}
