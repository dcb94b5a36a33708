/** Scales `v` to unit L2 norm in place; returns false (leaving zeros) when it is all zeros. */
export function normalizeInPlace(v: Float32Array): boolean {
  let s = 0;
  for (let c = 0; c < v.length; c++) s += v[c] * v[c];
  if (s === 0) return false;
  const inv = 1 / Math.sqrt(s);
  for (let c = 0; c < v.length; c++) v[c] *= inv;
  return true;
}

/**
 * Writes into `out` the normalised weighted mean of the rows of `vectors` (items × dims) at
 * `itemIndices`, weighted by `values` (or 1 each when `values` is absent or `binary`), and returns
 * the total weight. Rows must be in range (checked by the caller).
 */
export function historyProfile(
  vectors: Float32Array,
  dims: number,
  itemIndices: Int32Array,
  values: Float32Array | undefined,
  binary: boolean,
  out: Float32Array,
): number {
  out.fill(0);
  let total = 0;
  for (let t = 0; t < itemIndices.length; t++) {
    const w = binary || !values ? 1 : values[t];
    const row = itemIndices[t] * dims;
    for (let c = 0; c < dims; c++) out[c] += w * vectors[row + c];
    total += w;
  }
  normalizeInPlace(out);
  return total;
}

/**
 * Blends a unit history profile (from `count` interactions) with a unit declared-preference vector
 * that counts as `declaredWeight` interactions, into `out` (unit length). With no history the
 * declared vector alone is the profile; as history grows it takes over.
 */
export function blendDeclared(
  history: Float32Array,
  count: number,
  declared: Float32Array,
  declaredWeight: number,
  out: Float32Array,
): void {
  const a = count > 0 ? declaredWeight / (declaredWeight + count) : 1;
  for (let c = 0; c < out.length; c++) out[c] = (1 - a) * history[c] + a * declared[c];
  normalizeInPlace(out);
}
