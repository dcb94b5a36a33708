import { dotF32 } from "./dense.js";
import { TopK } from "./top-k.js";

/** Euclidean norm of every row of an n × dim matrix. */
export function rowNorms(m: Float32Array, n: number, dim: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(dotF32(m, i * dim, m, i * dim, dim));
  return out;
}

/**
 * The k items most similar to each given item by cosine of their factors, the item itself left
 * out; items outside the catalogue get a padded empty row, zero vectors score 0 against all.
 */
export function similarByCosine(
  factors: Float32Array,
  norms: Float32Array,
  dim: number,
  itemIndices: Int32Array,
  k: number,
): { k: number; items: Int32Array; scores: Float32Array } {
  const n = norms.length;
  const items = new Int32Array(itemIndices.length * k);
  const scores = new Float32Array(itemIndices.length * k);
  const top = new TopK(k);
  for (let b = 0; b < itemIndices.length; b++) {
    const item = itemIndices[b];
    if (item >= 0 && item < n) {
      const norm = norms[item];
      for (let other = 0; other < n; other++) {
        if (other === item) continue;
        const denominator = norm * norms[other];
        const cosine =
          denominator > 0 ? dotF32(factors, item * dim, factors, other * dim, dim) / denominator : 0;
        top.push(other, cosine);
      }
    }
    top.drainInto(items, scores, b * k);
  }
  return { k, items, scores };
}
