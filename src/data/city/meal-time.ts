import { MEAL_PERIOD_START_HOUR, MEAL_PERIODS } from "./constants.js";

/** Seconds in a day. */
export const DAY_SECONDS = 86_400;

/** Meal period index of every minute of the day (the city runs on UTC). */
const PERIOD_OF_MINUTE = (() => {
  const out = new Uint8Array(1440);
  for (let m = 0; m < 1440; m++) {
    const hour = m / 60;
    // Before the first period's start is still the last period of the previous evening.
    let p = MEAL_PERIODS.length - 1;
    for (let q = 0; q < MEAL_PERIODS.length; q++) if (hour >= MEAL_PERIOD_START_HOUR[q]) p = q;
    out[m] = p;
  }
  return out;
})();

/** The meal period index of minute `minute` (0–1439) of the day. */
export function periodOfMinute(minute: number): number {
  return PERIOD_OF_MINUTE[minute];
}

/** The meal period index at unix time `seconds`. */
export function periodAt(seconds: number): number {
  const secondOfDay = ((Math.floor(seconds) % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS;
  return PERIOD_OF_MINUTE[Math.floor(secondOfDay / 60)];
}

/** The day of week of unix time `seconds`, Monday = 0. */
export function dayOfWeek(seconds: number): number {
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  const day = Math.floor(seconds / DAY_SECONDS);
  return (((day + 3) % 7) + 7) % 7;
}

/**
 * The last second of the day (0–86399) still in the same meal period as `second`, so a session's
 * events can be kept inside the period it started in.
 */
export function periodEndSecond(second: number): number {
  for (const hour of MEAL_PERIOD_START_HOUR) if (hour * 3600 > second) return hour * 3600 - 1;
  return DAY_SECONDS - 1;
}
