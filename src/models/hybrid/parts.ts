import type { AlsModel } from "../als/als-model.js";
import type { CleoraModel } from "../cleora/cleora-model.js";
import type { ContentModel } from "../content/content-model.js";
import type { EaseModel } from "../ease/ease-model.js";
import type { ElsaModel } from "../elsa/elsa-model.js";
import { declaredHome } from "../popularity/context-events.js";
import type { ContextPrior } from "../popularity/context-prior.js";
import { contextZ } from "./context-shift.js";
import type { HybridPart, UserHistory } from "./hybrid-part.js";

/**
 * ALS (Hu et al. 2008): trained user factors, or a fold-in for a user with new history, scaled to
 * unit length. The norms of ALS user vectors vary by an order of magnitude between users, so with
 * raw vectors one blend weight meant a different cf share for every user; on movielens-latest-small
 * unit queries lifted the hybrid's nDCG@10 from 0.376 to 0.403 (ALS tuned on validation).
 */
export function alsPart(model: AlsModel, trainedRowLength: (user: number) => number): HybridPart {
  const dims = model.params.factors;
  return {
    name: "als",
    dims,
    items: model.itemFactors,
    query(history: UserHistory, out: Float32Array) {
      const u = history.userIndex;
      // A trained user's own row is the fold-in of the same history; reuse it when unchanged.
      if (u >= 0 && trainedRowLength(u) === history.items.length) {
        out.set(model.userFactors.subarray(u * dims, (u + 1) * dims));
      } else if (history.items.length > 0) {
        out.set(model.foldInUser(history.items, history.values));
      } else {
        out.fill(0);
      }
      // Unit length: the blend weight, not the fit's per-user factor norm, sets how much cf counts.
      normalise(out);
    },
  };
}

/** EASE in factorised form (Steck 2019): the user side x_u·V·F, defined for any history. */
export function easePart(model: EaseModel): HybridPart {
  return {
    name: "ease",
    dims: model.dims,
    items: model.itemFactors,
    query(history: UserHistory, out: Float32Array) {
      model.userVector(history.items, out);
      normalise(out); // as for ALS: x_u·V·F grows with the history's length
    },
  };
}

/** ELSA (Vančura et al. 2022): the user side is x_u·A, defined for any history. */
export function elsaPart(model: ElsaModel): HybridPart {
  return {
    name: "elsa",
    dims: model.factors,
    items: model.itemFactors,
    query(history: UserHistory, out: Float32Array) {
      model.userVector(history.items, history.values, out);
    },
  };
}

/** Cleora (Rychalska et al. 2021): the user side is the normalised mean of their items' vectors. */
export function cleoraPart(model: CleoraModel): HybridPart {
  const dims = model.dimensions;
  const items = model.itemEmbeddings;
  return {
    name: "cleora",
    dims,
    items,
    query(history: UserHistory, out: Float32Array) {
      out.fill(0);
      for (const item of history.items) {
        const row = item * dims;
        for (let j = 0; j < dims; j++) out[j] += items[row + j];
      }
      normalise(out);
    },
  };
}

/** Content features: the user profile from their items and declared preferences. */
export function contentPart(model: ContentModel): HybridPart {
  return {
    name: "content",
    dims: model.dims,
    items: model.itemVectors,
    query(history: UserHistory, out: Float32Array) {
      out.set(model.userProfile(history.items, history.values, history.user));
    },
  };
}

/**
 * The popularity prior: one column (standardised log popularity), the query is the constant 1.
 * With a per-context prior, a user with a declared home is scored in the home cell's context
 * (`scoresFor`), so the blend weights are learned for the popularity serving applies in context.
 */
export function popularityPart(itemPopularity: Float32Array, prior: ContextPrior | null = null): HybridPart {
  const items = new Float32Array(itemPopularity.length);
  let mean = 0;
  for (let i = 0; i < items.length; i++) {
    items[i] = Math.log1p(itemPopularity[i]);
    mean += items[i];
  }
  mean /= Math.max(1, items.length);
  let variance = 0;
  for (const v of items) variance += (v - mean) ** 2;
  const std = Math.sqrt(variance / Math.max(1, items.length)) || 1;
  for (let i = 0; i < items.length; i++) items[i] = (items[i] - mean) / std;
  const scale = { mean, std, total: itemPopularity.reduce((a, b) => a + b, 0) };
  const byRow = new Map<number, Float32Array>();
  return {
    name: "popularity",
    dims: 1,
    items,
    query(_history: UserHistory, out: Float32Array) {
      out[0] = 1;
    },
    scoresFor(history: UserHistory, out: Float32Array): boolean {
      const home = declaredHome(history.user?.attributes);
      if (!prior || !home) return false;
      const row = prior.lookup(home);
      if (row < 0) return false;
      // Validation users share a few hundred home cells: each cell's column is computed once.
      let z = byRow.get(row);
      if (!z) {
        z = new Float32Array(out.length);
        contextZ(prior, row, scale, z);
        byRow.set(row, z);
      }
      out.set(z);
      return true;
    },
  };
}

/** Scales `v` to unit length in place (a zero vector stays zero). */
export function normalise(v: Float32Array): void {
  let norm = 0;
  for (const x of v) norm += x * x;
  if (norm === 0) return;
  const inv = 1 / Math.sqrt(norm);
  for (let j = 0; j < v.length; j++) v[j] *= inv;
}
