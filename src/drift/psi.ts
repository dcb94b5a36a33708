/**
 * Population stability index between two binned distributions:
 * PSI = Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ) over bin proportions e (expected, the baseline) and a (actual,
 * live). Empty bins would make a term infinite, so proportions are floored at `epsilon` (a bin
 * the baseline never saw then contributes a large but finite amount). The usual reading:
 * < 0.1 stable, 0.1–0.2 a moderate shift, > 0.2 a significant shift.
 */
export function populationStabilityIndex(
  expectedCounts: readonly number[],
  actualCounts: readonly number[],
  epsilon = 1e-4,
): number {
  if (expectedCounts.length !== actualCounts.length) {
    throw new RangeError(`psi: ${expectedCounts.length} baseline bins but ${actualCounts.length} live bins`);
  }
  const e = proportions(expectedCounts);
  const a = proportions(actualCounts);
  let psi = 0;
  for (let i = 0; i < e.length; i++) {
    const ei = Math.max(e[i], epsilon);
    const ai = Math.max(a[i], epsilon);
    psi += (ai - ei) * Math.log(ai / ei);
  }
  return psi;
}

/** Counts divided by their sum (all zeros when the sum is 0). */
export function proportions(counts: readonly number[]): number[] {
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}
