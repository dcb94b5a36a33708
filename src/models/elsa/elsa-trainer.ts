import type { CsrMatrix } from "../../core/csr.js";
import { Random } from "../../math/random.js";
import { Adam } from "./adam.js";
import { backThroughNormalization, gram, normalizeRows } from "./dense-kernels.js";
import { batchGradient, GradientScratch } from "./elsa-gradient.js";

/** Hyper-parameters of ELSA training. */
export interface ElsaTrainingOptions {
  /** Latent dimensions d of the item matrix A. */
  factors: number;
  epochs: number;
  learningRate: number;
  /** Users per Adam step; 0 means all of them (one step per epoch). */
  batchSize: number;
  seed: number;
  /** Train on 0/1 interactions (the paper's setting) instead of the stored weights. */
  binary: boolean;
  /**
   * Share of each user's entries hidden from the input (but kept in the target) at every step:
   * denoising, which the paper does not use (0 is the paper's model).
   */
  dropout: number;
  /**
   * γ of the ridge penalty γ·‖AAᵀ − I‖²_F / n² (EASE's regulariser, as the mean squared similarity
   * of two items), also beyond the paper: it keeps items with little data from fitting noise.
   */
  ridge: number;
}

/** What `trainElsa` reports after each epoch. */
export interface ElsaEpoch {
  epoch: number;
  /** Mean over the epoch's batches of the batch loss (mean of ‖p̂ − x̂‖² over users). */
  loss: number;
  /** The current normalised item matrix (n × d); a live view, copy it to keep it. */
  itemFactors: Float32Array;
}

/**
 * Trains ELSA's item matrix (Vančura et al. 2022, "Scalable Linear Shallow Autoencoder for
 * Collaborative Filtering"): Adam on the raw rows W, with A = rows of W scaled to unit norm, so that
 * xAAᵀ − x reconstructs each user's row x up to scale. Returns A (n × d, unit rows). Deterministic
 * for a given seed: the initialisation, the per-epoch user order and the dropout masks come from
 * one seeded stream.
 */
export function trainElsa(
  x: CsrMatrix,
  options: ElsaTrainingOptions,
  onEpoch?: (state: ElsaEpoch) => void,
): Float32Array {
  const { factors: d, epochs, batchSize, seed, binary, dropout } = options;
  const n = x.nCols;
  const rng = new Random(seed);
  // Xavier-uniform initialisation: only the directions of the rows matter after normalisation.
  const bound = Math.sqrt(6 / (n + d));
  const w = new Float32Array(n * d);
  for (let i = 0; i < w.length; i++) w[i] = (2 * rng.next() - 1) * bound;

  const a = new Float32Array(n * d);
  const norms = new Float64Array(n);
  normalizeRows(w, n, d, a, norms);
  const users = activeUsers(x);
  if (users.length === 0) return a;

  const c = new Float64Array(d * d);
  const at = new Float32Array(n * d);
  const grad = new Float32Array(n * d);
  const batch = batchSize === 0 ? users.length : Math.min(batchSize, users.length);
  const scratch = new GradientScratch(batch, d);
  const adam = new Adam(n * d, { learningRate: options.learningRate });
  const keep = dropout > 0 ? new Uint8Array(x.indices.length) : null;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    rng.shuffle(users);
    let lossSum = 0;
    let steps = 0;
    for (let from = 0; from < users.length; from += batch) {
      const part = users.subarray(from, Math.min(from + batch, users.length));
      if (keep !== null) {
        for (const u of part)
          for (let e = x.indptr[u]; e < x.indptr[u + 1]; e++) keep[e] = rng.next() < dropout ? 0 : 1;
      }
      gram(a, n, d, at, c);
      lossSum += batchGradient(x, part, binary, keep, a, n, d, c, grad, scratch, options.ridge);
      backThroughNormalization(grad, a, norms, n, d);
      adam.step(w, grad);
      normalizeRows(w, n, d, a, norms);
      steps++;
    }
    onEpoch?.({ epoch, loss: lossSum / steps, itemFactors: a });
  }
  return a;
}

/** The users with at least one interaction: an empty row has no direction to reconstruct. */
function activeUsers(x: CsrMatrix): Int32Array {
  const out: number[] = [];
  for (let u = 0; u < x.nRows; u++) if (x.indptr[u + 1] > x.indptr[u]) out.push(u);
  return Int32Array.from(out);
}
