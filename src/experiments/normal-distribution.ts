/**
 * The standard normal distribution function Φ and its logarithm, for the sequential tests.
 *
 * Both go through the complementary error function's Chebyshev fit of Press et al. (Numerical
 * Recipes, "erfcc"), whose relative error stays below 1.2e-7 over the whole real line. The fit is
 * `t · exp(polynomial)`, so the logarithm of a far tail is computed directly rather than as the
 * logarithm of a number that underflowed to zero.
 */

/** log(erfc(x)) for x ≥ 0, in the fit's factored form. */
function logErfcNonNegative(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -x * x -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) + poly;
}

/** Φ(x) = P(Z ≤ x) for a standard normal Z. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const tail = 0.5 * Math.exp(logErfcNonNegative(Math.abs(x) / Math.SQRT2));
  return x >= 0 ? 1 - tail : tail;
}

/** log Φ(x), accurate in the far lower tail where Φ(x) itself underflows. */
export function logNormalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return Math.log(0.5) + logErfcNonNegative(-x / Math.SQRT2);
  // Φ(x) = 1 − tail with tail ≤ ½: log1p keeps precision when the tail is tiny.
  return Math.log1p(-0.5 * Math.exp(logErfcNonNegative(x / Math.SQRT2)));
}
