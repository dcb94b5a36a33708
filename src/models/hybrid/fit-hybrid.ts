/**
 * Fitting the hybrid: carve a validation split from the training data, fit the parts on it, tune
 * their hyperparameters, learn blend weights per history bucket, then refit the parts on all the
 * training data and predict cold items' rows (README "Design notes").
 */
import { coldUserSplit } from "../../evaluation/cold-user-split.js";
import { stratifiedSplit } from "../../evaluation/stratified-split.js";
import type { TrainingData } from "../recommender.js";
import { searchBlendWeights } from "./blend-search.js";
import { projectColdItems } from "./cold-items.js";
import type { HybridState } from "./hybrid-model.js";
import { HYBRID_DEFAULTS, type HybridOptions } from "./hybrid-options.js";
import { estimatePartScales } from "./part-scales.js";
import { describeTuning, tuneParts } from "./part-tuning.js";
import { trainParts } from "./train-parts.js";
import { sampleHistories, validationUsersByBucket } from "./validation-users.js";

export async function fitHybrid(options: HybridOptions, data: TrainingData): Promise<HybridState> {
  const o = options;
  const names = o.parts ?? [...HYBRID_DEFAULTS.parts, ...(o.external ? (["external"] as const) : [])];
  const buckets = o.buckets ?? HYBRID_DEFAULTS.buckets;
  const v = { ...HYBRID_DEFAULTS.validation, ...o.validation };
  const stage = o.onStage;
  const nItems = data.matrix.nCols;
  const fitStarted = performance.now();

  const base = stratifiedSplit(data.matrix, { by: "item", ratio: v.ratio, seed: v.seed });
  const carved = coldUserSplit(data.matrix, { fraction: v.coldFraction, n: v.coldN, seed: v.seed, base });
  // The raw events go along (the prior keeps only pairs of the carved matrix): the weight search
  // scores popularity in each validation user's home context, as it will be used.
  const validationData = { ...data, matrix: carved.train };
  const phase1 = await trainParts(
    names,
    validationData,
    o,
    (s, sec) => stage?.(`validation fit: ${s}`, sec),
    (part, done, total) => o.onProgress?.(`validation fit: ${part}`, done, total),
  );
  let started = performance.now();
  const groups = validationUsersByBucket(
    carved.train,
    base.test,
    data.userMeta,
    buckets,
    v.maxUsersPerBucket,
    v.seed,
  );
  const tuning = await tuneParts(phase1, validationData, groups.flat(), o);
  const fullOptions = tuning.options;
  if (tuning.reports.length > 0) {
    stage?.(`tuning: ${describeTuning(tuning.reports)}`, (performance.now() - started) / 1000);
  }
  started = performance.now();
  const scales1 = estimatePartScales(
    phase1.parts,
    sampleHistories(carved.train, data.userMeta, 100, v.seed),
    nItems,
  );
  const weights: Float32Array[] = [];
  const validationNdcg: number[] = [];
  for (const users of groups) {
    const found =
      users.length > 0
        ? searchBlendWeights(phase1.parts, scales1, users, nItems, { seed: v.seed })
        : { weights: new Float32Array(names.length).fill(1), ndcg: Number.NaN };
    weights.push(found.weights);
    validationNdcg.push(found.ndcg);
  }
  stage?.("blend weights", (performance.now() - started) / 1000);

  const full = await trainParts(
    names,
    data,
    fullOptions,
    (s, sec) => stage?.(`fit: ${s}`, sec),
    (part, done, total) => o.onProgress?.(`fit: ${part}`, done, total),
  );
  started = performance.now();
  const projections = projectColdItems(full.parts, data.matrix, {
    ridge: o.coldItemRidge ?? HYBRID_DEFAULTS.coldItemRidge,
    minUsers: o.coldItemMinUsers ?? HYBRID_DEFAULTS.coldItemMinUsers,
  });
  const scales = estimatePartScales(
    full.parts,
    sampleHistories(data.matrix, data.userMeta, 100, v.seed),
    nItems,
  );
  stage?.("cold items and scales", (performance.now() - started) / 1000);
  return {
    parts: full.parts,
    models: full.models,
    scales,
    weights,
    buckets,
    train: data.matrix,
    userMeta: data.userMeta,
    itemMeta: data.itemMeta,
    validationNdcg,
    projections,
    fitSeconds: (performance.now() - fitStarted) / 1000,
  };
}
