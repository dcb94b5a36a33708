/**
 * What the server process records while under load: the recommendation path's own per-request
 * timings, garbage-collection pauses, event-loop delay and CPU time. They explain where the
 * latency seen by the load generator goes.
 */
import { constants, monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import type { RecommendResult } from "../../src/recommend/recommend-types.js";
import { type Summary, summarize } from "./percentiles.js";

/** The probe's report of one phase, in milliseconds unless named otherwise. */
export interface ProbeReport {
  requests: number;
  /** Requests answered from the per-user result cache (their stages were not run). */
  cached: number;
  /** Requests by the source of their list. */
  sources: Record<string, number>;
  /** Stage timings of the requests that ran the whole path (not cached). */
  stages: { features: Summary; filters: Summary; retrieval: Summary; total: Summary };
  /** Feature-fetch time of every request (cached ones fetch too). */
  featuresAll: Summary;
  /** Fastify's elapsed time of every answered recommendation request (routing to response sent). */
  serverElapsed: Summary;
  /** Requests whose own synchronous work (filters or retrieval) took SLOW_STAGE_MS or more. */
  slowStages: SlowStage[];
  /**
   * Scavenges (minor) and mark-compacts (major), and the pauses that can build a queue: every
   * major one and minor ones of at least LONG_PAUSE_MS (start in epoch ms, to line up with slow
   * requests in the generator's clock).
   */
  gc: { minor: PauseStats; major: PauseStats; long: GcPause[] };
  eventLoopDelay: { p50: number; p99: number; max: number };
  /** CPU seconds of the server process per wall second (1 = one core busy). */
  cpuCores: number;
  seconds: number;
  rssBytes: number;
  heapUsedBytes: number;
  /**
   * Feature-store reads of the phase by outcome (ok, timeout, error, circuit-open), from the
   * server's own Prometheus histogram: tells timeouts from an open circuit behind fallbacks.
   */
  featureReads?: Record<string, number>;
}

/** One garbage-collection pause: when it started (epoch ms), how long, which kind. */
export interface GcPause {
  startAt: number;
  ms: number;
  major: boolean;
}

/**
 * A request whose own synchronous work was slow: a stall that is not a collection shows here if
 * the recommendation path caused it (epoch ms, to line up with the generator's slow requests).
 */
export interface SlowStage {
  at: number;
  userId: string;
  source: string;
  filtersMs: number;
  retrievalMs: number;
}

/** Filters or retrieval from this long on are kept as a `SlowStage` (at most MAX_SLOW_STAGES a phase). */
const SLOW_STAGE_MS = 20;
const MAX_SLOW_STAGES = 50;

/** Minor pauses from this long on are kept for the attribution of slow requests. */
const LONG_PAUSE_MS = 4;

/** Count, sum and longest of a set of pauses (ms). */
export interface PauseStats {
  count: number;
  totalMs: number;
  maxMs: number;
}

function pauseStats(pauses: readonly number[]): PauseStats {
  return {
    count: pauses.length,
    totalMs: pauses.reduce((a, b) => a + b, 0),
    maxMs: pauses.reduce((a, b) => Math.max(a, b), 0),
  };
}

/** Sampling interval of the event-loop delay monitor; its readings include it, so it is subtracted. */
const LOOP_RESOLUTION_MS = 10;

/** Collects per-request timings and process health from `reset` to `report`. */
export class ServingProbe {
  private features: number[] = [];
  private filters: number[] = [];
  private retrieval: number[] = [];
  private total: number[] = [];
  private featuresAll: number[] = [];
  private elapsed: number[] = [];
  private sources: Record<string, number> = {};
  private slowStages: SlowStage[] = [];
  private cached = 0;
  private minorPauses: number[] = [];
  private majorPauses: number[] = [];
  private longPauses: GcPause[] = [];
  private readonly loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private readonly gcObserver: PerformanceObserver;
  private startedAt = performance.now();
  private cpuAtStart = process.cpuUsage();

  constructor() {
    this.gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
        const major = kind === constants.NODE_PERFORMANCE_GC_MAJOR;
        (major ? this.majorPauses : this.minorPauses).push(entry.duration);
        if (major || entry.duration >= LONG_PAUSE_MS) {
          this.longPauses.push({
            startAt: performance.timeOrigin + entry.startTime,
            ms: entry.duration,
            major,
          });
        }
      }
    });
    this.gcObserver.observe({ entryTypes: ["gc"] });
    this.loopDelay.enable();
  }

  /** Records one answered request (its timings are in seconds, as the service reports them). */
  record(result: RecommendResult): void {
    const t = result.timings;
    this.featuresAll.push(t.features * 1000);
    this.sources[result.source] = (this.sources[result.source] ?? 0) + 1;
    if (result.cached) {
      this.cached++;
      return;
    }
    this.features.push(t.features * 1000);
    this.filters.push(t.filters * 1000);
    this.retrieval.push(t.retrieval * 1000);
    this.total.push((t.features + t.filters + t.retrieval) * 1000);
    const [filtersMs, retrievalMs] = [t.filters * 1000, t.retrieval * 1000];
    if (Math.max(filtersMs, retrievalMs) >= SLOW_STAGE_MS && this.slowStages.length < MAX_SLOW_STAGES) {
      const at = Date.now();
      this.slowStages.push({ at, userId: result.userId, source: result.source, filtersMs, retrievalMs });
    }
  }

  /** Records Fastify's elapsed milliseconds of one recommendation response. */
  recordElapsed(ms: number): void {
    this.elapsed.push(ms);
  }

  /** Starts a new phase: forgets everything recorded so far. */
  reset(): void {
    this.features = [];
    this.filters = [];
    this.retrieval = [];
    this.total = [];
    this.featuresAll = [];
    this.elapsed = [];
    this.sources = {};
    this.slowStages = [];
    this.cached = 0;
    this.minorPauses = [];
    this.majorPauses = [];
    this.longPauses = [];
    this.loopDelay.reset();
    this.startedAt = performance.now();
    this.cpuAtStart = process.cpuUsage();
  }

  /** The phase since the last `reset`. */
  report(): ProbeReport {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const cpu = process.cpuUsage(this.cpuAtStart);
    const memory = process.memoryUsage();
    const delayMs = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
    return {
      requests: this.featuresAll.length,
      cached: this.cached,
      sources: { ...this.sources },
      stages: {
        features: summarize(this.features),
        filters: summarize(this.filters),
        retrieval: summarize(this.retrieval),
        total: summarize(this.total),
      },
      featuresAll: summarize(this.featuresAll),
      serverElapsed: summarize(this.elapsed),
      slowStages: [...this.slowStages],
      gc: {
        minor: pauseStats(this.minorPauses),
        major: pauseStats(this.majorPauses),
        long: [...this.longPauses],
      },
      eventLoopDelay: {
        p50: delayMs(this.loopDelay.percentile(50)),
        p99: delayMs(this.loopDelay.percentile(99)),
        max: delayMs(this.loopDelay.max),
      },
      cpuCores: (cpu.user + cpu.system) / 1e6 / seconds,
      seconds,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
    };
  }

  /** Stops observing (the observers would otherwise keep running until exit). */
  close(): void {
    this.gcObserver.disconnect();
    this.loopDelay.disable();
  }
}
