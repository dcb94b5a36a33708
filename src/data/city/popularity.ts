/**
 * The share of all interactions that go to the most interacted `fraction` of items (at least one
 * item). The city is tuned so that the top 10% draw about 60%.
 */
export function topShare(countsPerItem: ArrayLike<number>, fraction = 0.1): number {
  const n = countsPerItem.length;
  if (n === 0) return 0;
  const sorted = Float64Array.from(countsPerItem).sort();
  let total = 0;
  for (let i = 0; i < n; i++) total += sorted[i];
  if (total === 0) return 0;
  const top = Math.max(1, Math.round(n * fraction));
  let topSum = 0;
  for (let i = n - top; i < n; i++) topSum += sorted[i];
  return topSum / total;
}
