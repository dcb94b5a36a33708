/*
 * Hyper-parameters chosen by the training pipeline on its own validation split, so one
 * configuration carries to other data: each candidate of a part is fitted (or, for EASE,
 * re-derived) on the validation fit's data and scored alone on validation users; the best one
 * joins the blend-weight search and is used for the full fit. Parameters the caller set are kept.
 */
import { AlsModel } from "../als/als-model.js";
import type { AlsParams } from "../als/als-params.js";
import type { EaseModel } from "../ease/ease-model.js";
import type { TrainingData } from "../recommender.js";
import type { ValidationUser } from "./blend-search.js";
import type { HybridPart } from "./hybrid-part.js";
import { partNdcg, trialUsers } from "./part-scoring.js";
import { alsPart, easePart } from "./parts.js";
import type { PartOptions, TrainedParts } from "./train-parts.js";

/**
 * λ values for EASE: a geometric grid wide enough for a few hundred users (best near 200 on
 * movielens-latest-small) and for millions (larger counts want larger λ). The eigenpairs are
 * shared: a trial costs only scoring the validation users (≈ 0.6 s each on MovieLens).
 */
export const EASE_LAMBDA_GRID = [25, 100, 400, 1600, 6400, 25600] as const;

/** Where the λ search starts on the grid (400: the middle, where both of our data sets ended up). */
const EASE_LAMBDA_START = 2;

/**
 * The λ of the best validation score: a climb on the grid from its middle (a ridge penalty's
 * score rises then falls with log λ, so the climb stops at the grid's best), then one step
 * halfway (in log scale) towards each neighbour. Five or six trials where scoring the whole grid
 * took eight.
 */
export function climbLambda(score: (lambda: number) => number): number {
  const grid = EASE_LAMBDA_GRID;
  const scored = new Map<number, number>();
  const at = (i: number) => {
    if (i < 0 || i >= grid.length) return Number.NEGATIVE_INFINITY;
    if (!scored.has(i)) scored.set(i, score(grid[i]));
    return scored.get(i) as number;
  };
  let i = EASE_LAMBDA_START;
  for (;;) {
    const [left, here, right] = [at(i - 1), at(i), at(i + 1)];
    if (left > here && left >= right) i--;
    else if (right > here) i++;
    else break;
  }
  let lambda: number = grid[i];
  let best = at(i);
  for (const neighbour of [i - 1, i + 1]) {
    if (neighbour < 0 || neighbour >= grid.length) continue;
    const midway = Math.sqrt(grid[i] * grid[neighbour]);
    const ndcg = score(midway);
    if (ndcg > best) [best, lambda] = [ndcg, midway];
  }
  return lambda;
}

/**
 * ALS candidates: the paper's confidence 1 + α·r with a strong penalty (the default; best on the
 * simulated city) and `implicit`'s α·r at α = 1, λ = 30 (best on movielens-latest-small: 0.397
 * against 0.380 on the 75/25 split, while it loses 0.169 to 0.197 on the city).
 */
export const ALS_CANDIDATES: ReadonlyArray<Pick<AlsParams, "regularization" | "alpha" | "confidenceBase">> = [
  { regularization: 100, alpha: 5, confidenceBase: 1 },
  { regularization: 30, alpha: 1, confidenceBase: 0 },
];

/**
 * Above this many validation nonzeros ALS keeps its configured parameters: each candidate is a
 * full fit (≈ 2 minutes at 15M nonzeros), which the daily retrain budget does not allow.
 */
export const ALS_TUNING_MAX_NONZEROS = 5_000_000;

/** One line for the training log: what each part chose (and what was skipped). */
export function describeTuning(reports: readonly TuningReport[]): string {
  return reports
    .map((r) => {
      const chosen = Object.entries(r.chosen)
        .map(([name, value]) => `${name} ${+value.toPrecision(4)}`)
        .join(", ");
      return `${r.part} ${chosen}${r.skipped ? ` (kept: ${r.skipped})` : ` (best of ${r.tried.length})`}`;
    })
    .join("; ");
}

/** What tuning chose for one part, for the training log. */
export interface TuningReport {
  part: "ease" | "als";
  chosen: Record<string, number>;
  tried: Array<{ params: Record<string, number>; ndcg: number }>;
  /** Why the part was not tuned (absent when it was). */
  skipped?: string;
}

/**
 * Tunes the EASE and ALS parts of `validationFit` in place (their parts and models are swapped
 * for the best candidates) and returns the options for the full fit with the choices set.
 */
export async function tuneParts<T extends PartOptions>(
  validationFit: TrainedParts,
  validationData: TrainingData,
  users: readonly ValidationUser[],
  options: T,
  alsMaxNonzeros = ALS_TUNING_MAX_NONZEROS,
): Promise<{ options: T; reports: TuningReport[] }> {
  const sample = trialUsers(users);
  const nItems = validationData.matrix.nCols;
  const reports: TuningReport[] = [];
  let tuned = options;
  const ease = validationFit.models.get("ease") as EaseModel | undefined;
  if (ease && options.ease?.lambda === undefined && sample.length > 0) {
    const tried: TuningReport["tried"] = [];
    const score = (lambda: number) => {
      const ndcg = partNdcg(easePart(ease.withLambda(lambda)), sample, nItems);
      tried.push({ params: { lambda }, ndcg });
      return ndcg;
    };
    const lambda = climbLambda(score);
    const chosen = ease.withLambda(lambda);
    swap(validationFit, "ease", chosen, easePart(chosen));
    tuned = { ...tuned, ease: { ...tuned.ease, lambda } };
    reports.push({ part: "ease", chosen: { lambda }, tried });
  }
  const als = validationFit.models.get("als") as AlsModel | undefined;
  const alsSet = ["regularization", "alpha", "confidenceBase"].some(
    (name) => (options.als as Record<string, unknown> | undefined)?.[name] !== undefined,
  );
  if (als && !alsSet && sample.length > 0) {
    const report = await tuneAls(als, validationFit, validationData, sample, options, alsMaxNonzeros);
    tuned = { ...tuned, als: { ...tuned.als, ...report.chosen } };
    reports.push(report);
  }
  return { options: tuned, reports };
}

async function tuneAls(
  fitted: AlsModel,
  validationFit: TrainedParts,
  data: TrainingData,
  sample: readonly ValidationUser[],
  options: PartOptions,
  maxNonzeros: number,
): Promise<TuningReport> {
  const m = data.matrix;
  const rowLength = (u: number) => m.indptr[u + 1] - m.indptr[u];
  const paramsOf = (model: AlsModel) => ({
    regularization: model.params.regularization,
    alpha: model.params.alpha,
    confidenceBase: model.params.confidenceBase,
  });
  let best = { model: fitted, ndcg: partNdcg(alsPart(fitted, rowLength), sample, m.nCols) };
  const tried: TuningReport["tried"] = [{ params: paramsOf(fitted), ndcg: best.ndcg }];
  if (m.indices.length > maxNonzeros) {
    const skipped = `${m.indices.length} validation nonzeros > ${maxNonzeros}`;
    return { part: "als", chosen: paramsOf(fitted), tried, skipped };
  }
  for (const candidate of ALS_CANDIDATES) {
    const same = (Object.keys(candidate) as Array<keyof typeof candidate>).every(
      (name) => candidate[name] === fitted.params[name],
    );
    if (same) continue;
    const model = new AlsModel({ ...options.als, ...candidate });
    await model.fit(data);
    const ndcg = partNdcg(alsPart(model, rowLength), sample, m.nCols);
    tried.push({ params: paramsOf(model), ndcg });
    if (ndcg > best.ndcg) best = { model, ndcg };
  }
  if (best.model !== fitted) swap(validationFit, "als", best.model, alsPart(best.model, rowLength));
  return { part: "als", chosen: paramsOf(best.model), tried };
}

/** Replaces a part (and its model) of a fit by a tuned one. */
function swap(fit: TrainedParts, name: "ease" | "als", model: EaseModel | AlsModel, part: HybridPart): void {
  const at = fit.parts.findIndex((p) => p.name === name);
  fit.parts[at] = part;
  fit.models.set(name, model);
}
