import { AliasTable } from "../data/city/alias-table.js";
import { DAY_OF_WEEK_FACTOR, WEEKDAY_PEAKS, WEEKEND_PEAKS } from "../data/city/constants.js";
import { dayOfWeek } from "../data/city/meal-time.js";
import { streamSeed } from "../data/city/params.js";
import { isWeekend, minuteWeights } from "../data/city/traffic.js";
import type { CityWorld } from "../data/city/world.js";
import { Random } from "../math/random.js";

/** Share of a day's sessions starting in each minute, weekday and weekend profiles (the generator's). */
const WEEKDAY = minuteWeights(WEEKDAY_PEAKS);
const WEEKEND = minuteWeights(WEEKEND_PEAKS);
const PEAK_MINUTE_WEIGHT = Math.max(...WEEKDAY, ...WEEKEND);
const PEAK_DAY_FACTOR = Math.max(...DAY_OF_WEEK_FACTOR);

/** One session about to start: who, when (simulated), and the seed of everything it decides. */
export interface Arrival {
  /** Position in the schedule, from 0. */
  index: number;
  /** Simulated unix ms the session starts at. */
  atMs: number;
  /** User index in the city. */
  user: number;
  /** Seed of the session's own random stream, so its choices do not depend on timing or order. */
  seed: number;
}

/** Options of an arrival schedule. */
export interface ArrivalOptions {
  /** Users are drawn from the city's first `users` (they are i.i.d., so that is a random sample). */
  users: number;
  /** Average sessions a user starts per simulated day; the city's own rate when absent. */
  sessionsPerUserDay?: number;
  seed: number;
  /** Simulated unix ms the schedule starts at. */
  startMs: number;
}

/**
 * Session arrivals of the city's users in simulated time, with the generator's traffic model:
 * a non-homogeneous Poisson process whose rate follows the meal-time profile of the minute
 * (weekday or weekend) times the day-of-week factor, each session's user drawn by activity.
 * Sampled exactly by thinning (Lewis & Shedler 1979) against the busiest minute of the week.
 * Deterministic for a seed: the n-th arrival is the same whatever happens to the ones before it.
 */
export class ArrivalSchedule {
  /** Sessions per simulated day on an average day. */
  readonly sessionsPerDay: number;
  private readonly rng: Random;
  private readonly activity: AliasTable;
  /** Upper bound of the arrival rate, per simulated second. */
  private readonly peakRate: number;
  private seconds: number;
  private count = 0;

  constructor(world: CityWorld, options: ArrivalOptions) {
    const users = Math.max(1, Math.min(world.users.count, Math.floor(options.users)));
    this.activity = new AliasTable(world.users.activity.subarray(0, users));
    this.sessionsPerDay = users * (options.sessionsPerUserDay ?? world.params.sessionsPerUserDay);
    this.peakRate = (this.sessionsPerDay * PEAK_DAY_FACTOR * PEAK_MINUTE_WEIGHT) / 60;
    this.rng = new Random(streamSeed(options.seed, 101));
    this.seconds = options.startMs / 1000;
  }

  /** The session rate (per simulated second) at unix second `seconds`. */
  rateAt(seconds: number): number {
    const dow = dayOfWeek(seconds);
    const minute = Math.floor((((seconds % 86_400) + 86_400) % 86_400) / 60);
    const weight = (isWeekend(dow) ? WEEKEND : WEEKDAY)[minute];
    return (this.sessionsPerDay * DAY_OF_WEEK_FACTOR[dow] * weight) / 60;
  }

  /** The next arrival (at an infinite time when nobody ever comes). */
  next(): Arrival {
    const rng = this.rng;
    if (!(this.peakRate > 0)) return { index: this.count++, atMs: Infinity, user: 0, seed: 0 };
    for (;;) {
      this.seconds += rng.exponential(this.peakRate);
      if (rng.next() * this.peakRate < this.rateAt(this.seconds)) break;
    }
    return {
      index: this.count++,
      atMs: this.seconds * 1000,
      user: this.activity.draw(rng),
      seed: rng.nextUint32(),
    };
  }
}
