import { PalateError } from "../../core/errors.js";

/** The hyper-parameters of implicit ALS, stored in the artifact manifest. */
export interface AlsParams {
  /** Latent dimension k. */
  factors: number;
  /** λ, the L2 penalty on both factor matrices. */
  regularization: number;
  /** Confidence slope: c = confidenceBase + α·r for a stored value r. */
  alpha: number;
  /**
   * Confidence of a stored entry before α·r: 1 is the paper's c = 1 + α·r, 0 is `implicit`'s
   * c = α·r (a rating below 1/α then counts less than an unobserved item).
   */
  confidenceBase: number;
  /** Alternating rounds (users, then items). */
  iterations: number;
  /** Conjugate-gradient steps per row solve, warm-started from the previous factors. */
  cgSteps: number;
  /** Seed of the initial factors. */
  seed: number;
}

/**
 * Defaults: 64 factors, 15 iterations and 3 CG steps as in `implicit`; λ = 100 and α = 5 as
 * chosen on a validation split of movielens-latest-small (bench/als.ts). λ decides quality and
 * scales with the data: tune it per dataset over orders of magnitude.
 */
export const DEFAULT_ALS_PARAMS: AlsParams = {
  factors: 64,
  regularization: 100,
  alpha: 5,
  confidenceBase: 1,
  iterations: 15,
  cgSteps: 3,
  seed: 42,
};

/** Fills defaults and validates; `where` prefixes error messages (e.g. an artifact path). */
export function resolveAlsParams(given: Partial<Record<keyof AlsParams, unknown>>, where = "als"): AlsParams {
  const out = { ...DEFAULT_ALS_PARAMS };
  const integer = (name: "factors" | "iterations" | "cgSteps" | "seed", min: number) => {
    const v = given[name];
    if (v === undefined) return;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      throw new PalateError(`${where}: parameter '${name}' must be an integer ≥ ${min}, got ${String(v)}`);
    }
    out[name] = v;
  };
  const nonNegative = (name: "regularization" | "alpha" | "confidenceBase") => {
    const v = given[name];
    if (v === undefined) return;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new PalateError(`${where}: parameter '${name}' must be a finite number ≥ 0, got ${String(v)}`);
    }
    out[name] = v;
  };
  integer("factors", 1);
  integer("iterations", 0);
  integer("cgSteps", 1);
  integer("seed", 0);
  nonNegative("regularization");
  nonNegative("alpha");
  nonNegative("confidenceBase");
  return out;
}
