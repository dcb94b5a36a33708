/**
 * The two-sample Kolmogorov–Smirnov test: D = sup |F₁(x) − F₂(x)| over the two empirical CDFs,
 * with the asymptotic p-value from the Kolmogorov distribution (Stephens' small-sample
 * correction to λ) and the critical value of D at a significance level.
 */

/** The KS statistic of two ascending-sorted samples (ties advance both ECDFs together). */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return 0;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i], b[j]);
    while (i < n && a[i] <= x) i++;
    while (j < m && b[j] <= x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  return d;
}

/**
 * P(K > λ) for the Kolmogorov distribution K. Two series for the same function: the alternating
 * one 2 Σ (−1)^(j−1) e^(−2j²λ²) converges fast for large λ, the Jacobi theta form
 * 1 − (√(2π)/λ) Σ e^(−(2j−1)²π²/(8λ²)) for small λ; they agree to 1e-12 around λ = 1.18.
 */
export function kolmogorovSurvival(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1.18) {
    const y = Math.exp((-Math.PI * Math.PI) / (8 * lambda * lambda));
    let sum = 0;
    for (let j = 1; j <= 50; j++) {
      const term = y ** ((2 * j - 1) * (2 * j - 1));
      sum += term;
      if (term < 1e-17) break;
    }
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * sum));
  }
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sum += (j % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** The result of a two-sample KS test. */
export interface KsResult {
  statistic: number;
  pValue: number;
  /** D above this rejects "same distribution" at `alpha`. */
  criticalValue: number;
}

/** c(α) = √(−ln(α/2) / 2): the asymptotic critical value of √(nm/(n+m)) · D. */
export function ksCriticalCoefficient(alpha: number): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2);
}

/** Two-sample KS test of ascending-sorted samples at significance `alpha`. */
export function ksTest(a: ArrayLike<number>, b: ArrayLike<number>, alpha = 0.01): KsResult {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return { statistic: 0, pValue: 1, criticalValue: Number.POSITIVE_INFINITY };
  const statistic = ksStatistic(a, b);
  const ne = (n * m) / (n + m);
  const root = Math.sqrt(ne);
  const pValue = kolmogorovSurvival((root + 0.12 + 0.11 / root) * statistic);
  return { statistic, pValue, criticalValue: ksCriticalCoefficient(alpha) / root };
}
