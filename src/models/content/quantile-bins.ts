/**
 * Bin edges for a numeric feature: one bin per distinct value when there are at most `bins` of
 * them (price levels, star ratings), else quantile edges (deduplicated, ascending). A value v falls
 * in bin = the number of edges ≤ v, so there are edges.length + 1 bins.
 */
export function quantileEdges(values: readonly number[], bins: number): number[] {
  const sorted = Float64Array.from(values).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  if (distinct.length <= bins) return distinct.slice(1);
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const edge = sorted[Math.floor((b * sorted.length) / bins)];
    // A heavy value can cover several quantiles; the lowest value can never be an edge.
    if (edge > sorted[0] && (edges.length === 0 || edge > edges[edges.length - 1])) edges.push(edge);
  }
  return edges;
}

/** The bin of `value` given ascending `edges` (binary search). */
export function binOf(edges: readonly number[], value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Calls `emit(bin, weight)` for the bin of `value` (weight 1) and its two neighbours (weight
 * `neighbourWeight`, when > 0 and in range): bins are ordered, so a value near an edge should still
 * resemble the values just across it.
 */
export function forEachSoftBin(
  edges: readonly number[],
  value: number,
  neighbourWeight: number,
  emit: (bin: number, weight: number) => void,
): void {
  const bin = binOf(edges, value);
  emit(bin, 1);
  if (neighbourWeight <= 0) return;
  if (bin > 0) emit(bin - 1, neighbourWeight);
  if (bin < edges.length) emit(bin + 1, neighbourWeight);
}
