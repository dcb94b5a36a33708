/**
 * The standard normal distribution function Φ and its logarithm, for the sequential tests.
 *
 * The lower tail Φ(x) for x < 0 is computed from the Mills ratio R(t) = (1 − Φ(t)) / φ(t) at
 * t = −x: near the centre by its Maclaurin series (R satisfies R′ = tR − 1, which gives the
 * coefficients one from the last), in the tail by Laplace's continued fraction
 * R(t) = 1/(t + 1/(t + 2/(t + 3/(t + …)))) evaluated bottom-up. Working with R keeps log Φ exact
 * far below where Φ itself underflows: log Φ(x) = log φ(x) + log R(−x).
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
/** Below this t the series converges fast; above it the continued fraction does. */
const SWITCH = 3;

/** The Mills ratio R(t) = (1 − Φ(t)) / φ(t) for t ≥ 0. */
function millsRatio(t: number): number {
  if (t < SWITCH) {
    // R(t) = Σ c_n tⁿ with c_0 = √(π/2), c_1 = −1, and c_{n+1} = c_{n−1} / (n + 1) from R′ = tR − 1.
    let previous = Math.sqrt(Math.PI / 2);
    let current = -1;
    let sum = previous + current * t;
    let power = t;
    for (let n = 1; n < 200; n++) {
      const next = previous / (n + 1);
      power *= t;
      const term = next * power;
      sum += term;
      previous = current;
      current = next;
      if (Math.abs(term) < 1e-17 * Math.abs(sum) && n > 10) break;
    }
    return sum;
  }
  // Laplace's continued fraction, 60 levels: ample for t ≥ 3 at double precision.
  let fraction = t;
  for (let k = 60; k >= 1; k--) fraction = t + k / fraction;
  return 1 / fraction;
}

/** log Φ(x), accurate in the far lower tail where Φ(x) itself underflows. */
export function logNormalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return -0.5 * x * x - LOG_SQRT_2PI + Math.log(millsRatio(-x));
  // Φ(x) = 1 − upper tail; log1p keeps precision when the tail is tiny.
  return Math.log1p(-Math.exp(-0.5 * x * x - LOG_SQRT_2PI + Math.log(millsRatio(x))));
}

/** Φ(x) = P(Z ≤ x) for a standard normal Z. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const tail = Math.exp(-0.5 * x * x - LOG_SQRT_2PI + Math.log(millsRatio(Math.abs(x))));
  return x <= 0 ? tail : 1 - tail;
}
