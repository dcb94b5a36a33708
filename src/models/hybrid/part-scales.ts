import { type HybridPart, scoreItems, type UserHistory } from "./hybrid-part.js";

/**
 * One scale per part so that each part's scores have unit standard deviation across items (mean
 * over sample users): blend weights then compare like with like and carry from the validation
 * fit to the final one. A part that scores everything alike gets scale 0.
 */
export function estimatePartScales(
  parts: readonly HybridPart[],
  users: readonly UserHistory[],
  nItems: number,
): Float32Array {
  const scales = new Float32Array(parts.length);
  const scores = new Float32Array(nItems);
  parts.forEach((part, p) => {
    const q = new Float32Array(part.dims);
    let sumStd = 0;
    let counted = 0;
    for (const user of users) {
      part.query(user, q);
      scoreItems(part.items, part.dims, q, scores);
      let mean = 0;
      for (const s of scores) mean += s;
      mean /= Math.max(1, nItems);
      let variance = 0;
      for (const s of scores) variance += (s - mean) ** 2;
      sumStd += Math.sqrt(variance / Math.max(1, nItems));
      counted++;
    }
    const std = counted > 0 ? sumStd / counted : 0;
    scales[p] = std > 1e-12 ? 1 / std : 0;
  });
  return scales;
}
