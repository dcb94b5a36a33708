import type { Random } from "../../math/random.js";
import { AliasTable } from "./alias-table.js";
import { DAY_OF_WEEK_FACTOR, type TrafficPeak, WEEKDAY_PEAKS, WEEKEND_PEAKS } from "./constants.js";

/**
 * When sessions happen: a time-of-day profile (meal peaks over a flat background, wrapping round
 * midnight) for weekdays and weekends, and a day-of-week factor on the number of sessions.
 */

/** Minute weights of a day: peaks as normal bumps (circular distance) plus an even background. */
export function minuteWeights(peaks: readonly TrafficPeak[]): Float64Array {
  const out = new Float64Array(1440);
  let peakWeight = 0;
  for (const p of peaks) peakWeight += p.weight;
  const background = Math.max(0, 1 - peakWeight) / 1440;
  for (let m = 0; m < 1440; m++) {
    const hour = (m + 0.5) / 60;
    let w = background;
    for (const p of peaks) {
      const raw = Math.abs(hour - p.hour);
      const d = Math.min(raw, 24 - raw) / p.spread;
      w += (p.weight * Math.exp(-0.5 * d * d)) / (p.spread * Math.sqrt(2 * Math.PI) * 60);
    }
    out[m] = w;
  }
  return out;
}

const WEEKDAY = new AliasTable(minuteWeights(WEEKDAY_PEAKS));
const WEEKEND = new AliasTable(minuteWeights(WEEKEND_PEAKS));

/** Whether day of week `dow` (Monday = 0) follows the weekend profile. */
export function isWeekend(dow: number): boolean {
  return dow >= 5;
}

/** A second of the day (0–86399) at which a session starts on day of week `dow`. */
export function drawSessionSecond(rng: Random, dow: number): number {
  const minute = (isWeekend(dow) ? WEEKEND : WEEKDAY).draw(rng);
  return minute * 60 + rng.int(60);
}

/** The expected number of sessions on day of week `dow` given the average per day. */
export function sessionsExpected(averagePerDay: number, dow: number): number {
  return averagePerDay * DAY_OF_WEEK_FACTOR[dow];
}

/** A Poisson draw (inversion for small means, a rounded normal for large ones). */
export function drawPoisson(rng: Random, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 500) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  let k = 0;
  let p = Math.exp(-mean);
  let cumulative = p;
  const u = rng.next();
  while (u > cumulative && k < 10_000) {
    k++;
    p *= mean / k;
    cumulative += p;
  }
  return k;
}
