import type { Clock } from "../core/clock.js";
import type { CityWorld } from "../data/city/world.js";
import type { ApiCall } from "./api-client.js";
import { type Arrival, ArrivalSchedule } from "./arrivals.js";
import { runVisit } from "./city-visit.js";
import { EventPoster, type PosterStats } from "./event-poster.js";
import { OnlineTally, type VariantSummary } from "./online-tally.js";

/** Options of a live simulation. */
export interface SimulationOptions {
  api: ApiCall;
  world: CityWorld;
  /** Simulated time, shared with the server and the controller (`core/clock.ts`). */
  clock: Clock;
  /** Simulated users drawn from the first `users` of the city (default: all of them). */
  users?: number;
  /** Most recommendation requests per real second (a pacing cap; sessions beyond it are skipped). */
  rate: number;
  /** Simulated days to run. */
  days: number;
  seed: number;
  /** Sessions a user starts per simulated day on average (default: the city's own rate). */
  sessionsPerUserDay?: number;
  /** Most sessions in flight at once (default 32). */
  concurrency?: number;
  /**
   * `clock` (default): sessions start when the clock reaches their time; those the rate or
   * concurrency bound cannot take are skipped, so simulated time never falls behind. `none`:
   * every arrival runs, back to back at the rate, stamped with its own simulated time (for
   * deterministic tests and benchmarks against a server that does not share the clock).
   */
  pacing?: "clock" | "none";
  /** Simulated start with pacing `none` (default: the clock's now). */
  startMs?: number;
  /** List length asked for (default 10). */
  k?: number;
  /** Prefix of session ids (default unique per run). */
  sessionPrefix?: string;
  signal?: AbortSignal;
  /** Called every `reportEverySeconds` real seconds (default 5) with the counts so far. */
  onReport?: (summary: SimulationSummary) => void;
  reportEverySeconds?: number;
  /** Told about every failed request (the summary keeps a few samples). */
  onError?: (message: string) => void;
  /** Events per POST and real ms between posts. */
  eventBatch?: number;
  eventFlushMs?: number;
}

/** What a simulation did, overall and per variant. */
export interface SimulationSummary {
  /** Simulated time at the start and now (ISO). */
  startedAt: string;
  simulatedTime: string;
  simulatedDays: number;
  realSeconds: number;
  /** Sessions the traffic model scheduled. */
  arrivals: number;
  /** Sessions that got a list. */
  visits: number;
  /** Sessions skipped by the rate or concurrency bound. */
  dropped: number;
  /** Sessions whose recommendation request failed. */
  errors: number;
  /** The first few distinct error messages. */
  errorSamples: string[];
  /** Event delivery: accepted, failed and POSTs made, plus events not yet posted. */
  events: PosterStats & { pending: number };
  variants: Record<string, VariantSummary>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const yieldToIo = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The simulated city as live users of the API. Sessions arrive with the generator's traffic
 * model in simulated time (`arrivals.ts`), each one a user asking for recommendations near home
 * and clicking and booking by ground truth (`city-visit.ts`); events are posted in batches
 * (`event-poster.ts`) and counted per variant (`online-tally.ts`) until `days` simulated days
 * have passed, the signal aborts, or (pacing `none`) the schedule is exhausted.
 */
export class Simulator {
  private readonly o: SimulationOptions;
  private readonly tally = new OnlineTally();
  private readonly poster: EventPoster;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly errorSamples: string[] = [];
  private readonly prefix: string;
  private readonly realStart = Date.now();
  private startMs = 0;
  private lastMs = 0;
  private arrivals = 0;
  private visits = 0;
  private dropped = 0;
  private errors = 0;
  private tokens: number;
  private tokensAt = performance.now();

  constructor(options: SimulationOptions) {
    if (!(options.rate > 0)) throw new RangeError(`rate must be > 0, got ${options.rate}`);
    if (!(options.days > 0)) throw new RangeError(`days must be > 0, got ${options.days}`);
    this.o = options;
    const paced = (options.pacing ?? "clock") === "clock";
    this.poster = new EventPoster(options.api, {
      maxBatch: options.eventBatch,
      flushMs: options.eventFlushMs,
      clock: paced ? options.clock : undefined,
      onError: (message) => this.fail(message),
    });
    this.prefix = options.sessionPrefix ?? `sim${options.seed}-${Date.now().toString(36)}`;
    this.tokens = this.burst();
  }

  /** Runs to the end (or the abort) and returns the final summary. */
  async run(): Promise<SimulationSummary> {
    const o = this.o;
    const paced = (o.pacing ?? "clock") === "clock";
    this.startMs = paced ? o.clock() : (o.startMs ?? o.clock());
    this.lastMs = this.startMs;
    const endMs = this.startMs + o.days * 86_400_000;
    const schedule = new ArrivalSchedule(o.world, {
      users: o.users ?? o.world.users.count,
      sessionsPerUserDay: o.sessionsPerUserDay,
      seed: o.seed,
      startMs: this.startMs,
    });
    const report = o.onReport
      ? setInterval(() => o.onReport?.(this.summary()), (o.reportEverySeconds ?? 5) * 1000)
      : null;
    report?.unref();
    try {
      if (paced) await this.runPaced(schedule, endMs);
      else await this.runUnpaced(schedule, endMs);
      while (this.inFlight.size > 0) await Promise.race(this.inFlight);
      await this.poster.close(!o.signal?.aborted);
    } finally {
      if (report) clearInterval(report);
    }
    if (paced) this.lastMs = Math.min(endMs, o.clock());
    return this.summary();
  }

  /** The counts so far. */
  summary(): SimulationSummary {
    return {
      startedAt: new Date(this.startMs).toISOString(),
      simulatedTime: new Date(this.lastMs).toISOString(),
      simulatedDays: (this.lastMs - this.startMs) / 86_400_000,
      realSeconds: (Date.now() - this.realStart) / 1000,
      arrivals: this.arrivals,
      visits: this.visits,
      dropped: this.dropped,
      errors: this.errors,
      errorSamples: [...this.errorSamples],
      events: { ...this.poster.stats, pending: this.poster.backlog },
      variants: this.tally.summary(),
    };
  }

  /** Sessions start as the shared clock reaches them; what the bounds cannot take is skipped. */
  private async runPaced(schedule: ArrivalSchedule, endMs: number): Promise<void> {
    const { clock, signal } = this.o;
    const concurrency = this.o.concurrency ?? 32;
    let next = schedule.next();
    let burst = 0;
    while (!signal?.aborted) {
      const now = clock();
      this.lastMs = Math.max(this.lastMs, Math.min(now, endMs));
      if (now >= endMs) return;
      if (next.atMs > now) {
        burst = 0;
        await sleep(this.realMsUntil(Math.min(next.atMs, endMs), now));
        continue;
      }
      this.arrivals++;
      if (this.inFlight.size < concurrency && this.takeToken()) this.launch(next, now);
      else this.dropped++;
      next = schedule.next();
      // A long run of overdue arrivals must not starve the responses of the sessions in flight.
      if (++burst % 256 === 0) await yieldToIo();
    }
  }

  /** Every arrival runs, in schedule order, at most `rate` a second and `concurrency` at once. */
  private async runUnpaced(schedule: ArrivalSchedule, endMs: number): Promise<void> {
    const { signal } = this.o;
    const concurrency = this.o.concurrency ?? 32;
    for (let next = schedule.next(); next.atMs < endMs && !signal?.aborted; next = schedule.next()) {
      while (!this.takeToken()) await sleep(Math.max(1, 1000 / this.o.rate));
      while (this.inFlight.size >= concurrency) await Promise.race(this.inFlight);
      this.arrivals++;
      this.lastMs = next.atMs;
      this.launch(next, next.atMs);
    }
  }

  private launch(arrival: Arrival, atMs: number): void {
    const plan = {
      user: arrival.user,
      seed: arrival.seed,
      atMs: Math.round(atMs),
      sessionId: `${this.prefix}-${arrival.index}`,
      k: this.o.k,
    };
    const clock = (this.o.pacing ?? "clock") === "clock" ? this.o.clock : undefined;
    const running = runVisit(this.o.api, this.o.world, plan, clock)
      .then(
        (outcome) => {
          this.visits++;
          this.tally.record(outcome);
          this.poster.add(outcome.events);
        },
        (error: Error) => {
          this.errors++;
          this.fail(error.message);
        },
      )
      .finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
  }

  private fail(message: string): void {
    if (this.errorSamples.length < 5 && !this.errorSamples.includes(message)) this.errorSamples.push(message);
    this.o.onError?.(message);
  }

  /**
   * Tokens the bucket holds when full: a fifth of a second's worth, and at least a few, since
   * Poisson arrivals below the rate still come in clumps that a tighter bucket would skip.
   */
  private burst(): number {
    return Math.max(4, this.o.rate / 5);
  }

  private takeToken(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst(), this.tokens + ((now - this.tokensAt) / 1000) * this.o.rate);
    this.tokensAt = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }

  /**
   * Real ms to sleep until simulated time `targetMs`, from the clock's speed so far; capped so
   * an abort or a clock that is not what it seemed is noticed soon.
   */
  private realMsUntil(targetMs: number, nowMs: number): number {
    const realElapsed = Date.now() - this.realStart;
    const simElapsed = nowMs - this.startMs;
    // Until the speed is measurable, poll: a fast clock would overshoot a long first sleep.
    if (realElapsed < 20 || simElapsed <= 0) return 1;
    return Math.max(1, Math.min(100, (targetMs - nowMs) / (simElapsed / realElapsed)));
  }
}

/** Runs a live simulation to its end (or the abort) and returns the summary. */
export function runSimulation(options: SimulationOptions): Promise<SimulationSummary> {
  return new Simulator(options).run();
}
