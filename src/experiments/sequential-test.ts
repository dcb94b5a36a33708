/**
 * The mixture sequential probability ratio test (mSPRT) of Johari, Koomen, Pekelis & Walsh
 * (2017, "Peeking at A/B tests"), for the difference of two proportions under the normal
 * approximation with a normal mixing distribution N(θ0, τ²). Its p-value is "always valid": the
 * probability that it EVER drops to α or below while H0 holds is at most α, however often the
 * experiment is looked at, so the controller may check after every batch of events.
 */
export interface ProportionSample {
  successes: number;
  trials: number;
}

/** The mSPRT likelihood ratio for H0: p_b − p_a = θ0, and the observed difference. */
export function msprt(
  a: ProportionSample,
  b: ProportionSample,
  theta0: number,
  tau2: number,
): { ratio: number; diff: number } {
  if (a.trials === 0 || b.trials === 0) return { ratio: 1, diff: 0 };
  const pa = a.successes / a.trials;
  const pb = b.successes / b.trials;
  // A floor on the variance keeps an all-zero early sample from looking infinitely certain.
  const va = Math.max(pa * (1 - pa), 0.25 / a.trials) / a.trials;
  const vb = Math.max(pb * (1 - pb), 0.25 / b.trials) / b.trials;
  const v = va + vb;
  const diff = pb - pa;
  const z = diff - theta0;
  const ratio = Math.sqrt(v / (v + tau2)) * Math.exp((tau2 * z * z) / (2 * v * (v + tau2)));
  return { ratio, diff };
}

/**
 * The always-valid one-sided p-value that b is worse than a by more than `tolerance` (absolute):
 * the mSPRT at θ0 = −tolerance, counted only when the observed difference lies below θ0.
 */
export function worseBeyondTolerance(
  a: ProportionSample,
  b: ProportionSample,
  tolerance: number,
  tau2: number,
): { p: number; diff: number } {
  const { ratio, diff } = msprt(a, b, -tolerance, tau2);
  return { p: diff < -tolerance ? Math.min(1, 1 / ratio) : 1, diff };
}
