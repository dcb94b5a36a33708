/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998): picks `k` of the candidates one at a
 * time, each maximising λ·relevance − (1 − λ)·(largest cosine similarity to an item already
 * picked), with λ = 1 − diversity. Relevance is the candidates' scores rescaled to [0, 1] so the
 * two terms are comparable. Returns positions into `candidates`, in pick order.
 */
export function mmrRerank(
  candidates: Int32Array,
  scores: Float32Array,
  vectors: Float32Array,
  dims: number,
  k: number,
  diversity: number,
): number[] {
  const n = candidates.length;
  const lambda = 1 - diversity;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < n; c++) {
    lo = Math.min(lo, scores[c]);
    hi = Math.max(hi, scores[c]);
  }
  const span = hi - lo || 1;
  const norms = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    let s = 0;
    const row = candidates[c] * dims;
    for (let j = 0; j < dims; j++) s += vectors[row + j] * vectors[row + j];
    norms[c] = Math.sqrt(s) || 1;
  }
  // maxSim[c]: the largest similarity of candidate c to anything picked so far.
  const maxSim = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  const picked = new Uint8Array(n);
  const order: number[] = [];
  while (order.length < Math.min(k, n)) {
    let best = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < n; c++) {
      if (picked[c]) continue;
      const relevance = (scores[c] - lo) / span;
      const penalty = order.length === 0 ? 0 : maxSim[c];
      const value = lambda * relevance - (1 - lambda) * penalty;
      if (value > bestValue) {
        bestValue = value;
        best = c;
      }
    }
    picked[best] = 1;
    order.push(best);
    const rowB = candidates[best] * dims;
    for (let c = 0; c < n; c++) {
      if (picked[c]) continue;
      let dot = 0;
      const row = candidates[c] * dims;
      for (let j = 0; j < dims; j++) dot += vectors[row + j] * vectors[rowB + j];
      const sim = dot / (norms[c] * norms[best]);
      if (sim > maxSim[c]) maxSim[c] = sim;
    }
  }
  return order;
}
