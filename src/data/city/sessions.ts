import { Random } from "../../math/random.js";
import { AliasTable } from "./alias-table.js";
import { ChoiceSampler } from "./choice-sampler.js";
import {
  BOOKING,
  CLICK,
  EXTRA_VIEWS_MEAN,
  MAX_VIEWS_PER_SESSION,
  SECONDS_BETWEEN_VIEWS,
  SECONDS_TO_BOOK,
  SECONDS_TO_CLICK,
  VIEW,
} from "./constants.js";
import type { DayBuffer } from "./day-buffer.js";
import { bookingProbabilityOf, clickProbabilityOf } from "./ground-truth.js";
import { periodEndSecond, periodOfMinute } from "./meal-time.js";
import { STREAMS, streamSeed } from "./params.js";
import { drawPoisson, drawSessionSecond, sessionsExpected } from "./traffic.js";
import type { CityWorld } from "./world.js";

/** Running totals of a simulation. */
export interface SessionCounters {
  sessions: number;
  /** Draws where every proposal was rejected (the view is dropped; should stay near 0). */
  failedDraws: number;
  /** Events per type code. */
  byType: Float64Array;
}

/**
 * Simulates users' sessions day by day. A session: a user (drawn by activity) opens the app at a
 * meal-shaped time, views a few distinct open restaurants drawn ∝ exp(utility), clicks each with
 * σ(U − click threshold) and books a clicked one with σ(U − booking threshold); a booking ends
 * the session (one table per meal). Events are clamped to the session's meal period, so every
 * event falls in a period its restaurant is open.
 */
export class SessionSimulator {
  readonly counters: SessionCounters = { sessions: 0, failedDraws: 0, byType: new Float64Array(3) };
  private readonly world: CityWorld;
  private readonly sampler: ChoiceSampler;
  private readonly activity: AliasTable;
  private readonly rng: Random;
  private readonly seen = new Int32Array(MAX_VIEWS_PER_SESSION);
  private readonly extraViewLog = Math.log(EXTRA_VIEWS_MEAN / (1 + EXTRA_VIEWS_MEAN));

  constructor(world: CityWorld) {
    this.world = world;
    this.sampler = new ChoiceSampler(world);
    this.activity = new AliasTable(world.users.activity);
    this.rng = new Random(streamSeed(world.params.seed, STREAMS.events));
  }

  /** Appends the events of one day (day of week `dow`, Monday = 0) to `out`. */
  simulateDay(dow: number, out: DayBuffer): void {
    const rng = this.rng;
    const mean = sessionsExpected(this.world.users.count * this.world.params.sessionsPerUserDay, dow);
    const sessions = drawPoisson(rng, mean);
    for (let s = 0; s < sessions; s++) {
      const u = this.activity.draw(rng);
      const second = drawSessionSecond(rng, dow);
      this.session(u, second, out);
    }
    this.counters.sessions += sessions;
  }

  private session(u: number, start: number, out: DayBuffer): void {
    const rng = this.rng;
    const world = this.world;
    const x = world.users.x[u];
    const y = world.users.y[u];
    if (!(this.sampler.prepare(u, x, y, periodOfMinute(Math.floor(start / 60))) > 0)) return;
    // Geometric number of extra views: floor(log(U) / log(q)) with q = mean / (1 + mean).
    const extra = Math.floor(Math.log(1 - rng.next()) / this.extraViewLog);
    const views = Math.min(MAX_VIEWS_PER_SESSION, 1 + extra);
    const byType = this.counters.byType;
    // Events stay inside the meal period (and day) the session started in.
    const last = periodEndSecond(start);
    let seen = 0;
    let t = start;
    for (let v = 0; v < views; v++) {
      const r = this.sampler.draw(rng);
      if (r < 0) {
        this.counters.failedDraws++;
        continue;
      }
      let again = false;
      for (let i = 0; i < seen; i++) if (this.seen[i] === r) again = true;
      if (again) continue;
      this.seen[seen++] = r;
      out.push(u, r, t, VIEW);
      byType[VIEW]++;
      const utility = this.sampler.lastUtility;
      if (rng.next() < clickProbabilityOf(utility)) {
        const clickAt = Math.min(last, t + 1 + Math.floor(rng.exponential(1 / SECONDS_TO_CLICK)));
        out.push(u, r, clickAt, CLICK);
        byType[CLICK]++;
        if (rng.next() < bookingProbabilityOf(utility)) {
          const bookAt = Math.min(last, clickAt + 1 + Math.floor(rng.exponential(1 / SECONDS_TO_BOOK)));
          out.push(u, r, bookAt, BOOKING);
          byType[BOOKING]++;
          return;
        }
      }
      t = Math.min(last, t + 1 + Math.floor(rng.exponential(1 / SECONDS_BETWEEN_VIEWS)));
    }
  }
}
