import { Random } from "../../../math/random.js";

/**
 * Vectors shaped like learned embeddings: rank-`rank` rows (latent factors times a shared
 * basis) with log-normally spread norms, like the hybrid's popularity-scaled rows. Random
 * Gaussian vectors have no structure for a graph to exploit and understate HNSW recall.
 */
export function lowRankVectors(
  n: number,
  dims: number,
  options: { rank?: number; normSpread?: number; seed?: number } = {},
): { matrix: Float32Array; basis: Float32Array; rank: number } {
  const rank = options.rank ?? 8;
  const random = new Random(options.seed ?? 7);
  const basis = new Float32Array(rank * dims).map(() => random.normal());
  const matrix = new Float32Array(n * dims);
  const factors = new Float32Array(rank);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < rank; r++) factors[r] = random.normal();
    const scale = Math.exp((options.normSpread ?? 1) * random.normal());
    for (let j = 0; j < dims; j++) {
      let s = 0;
      for (let r = 0; r < rank; r++) s += factors[r] * basis[r * dims + j];
      matrix[i * dims + j] = scale * s + 0.05 * random.normal();
    }
  }
  return { matrix, basis, rank };
}

/** Queries in the same latent space as `lowRankVectors` (users of the same embedding). */
export function lowRankQueries(count: number, dims: number, basis: Float32Array, rank: number, seed = 11) {
  const random = new Random(seed);
  const queries: Float32Array[] = [];
  for (let q = 0; q < count; q++) {
    const factors = Array.from({ length: rank }, () => random.normal());
    const query = new Float32Array(dims);
    for (let j = 0; j < dims; j++) {
      for (let r = 0; r < rank; r++) query[j] += factors[r] * basis[r * dims + j];
    }
    queries.push(query);
  }
  return queries;
}

/** Recall@k of `found` against `truth` (same queries, item index lists). */
export function recallAt(found: ArrayLike<number>[], truth: ArrayLike<number>[]): number {
  let hits = 0;
  let total = 0;
  found.forEach((items, q) => {
    const expected = new Set(Array.from(truth[q]));
    for (const item of Array.from(items)) if (expected.has(item)) hits++;
    total += expected.size;
  });
  return hits / total;
}
