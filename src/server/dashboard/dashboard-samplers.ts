import type { Clock } from "../../core/clock.js";
import type { ExperimentSource } from "../../experiments/experiment-view.js";
import type { ServingMetrics } from "../../telemetry/metrics.js";
import { ExperimentSampler } from "./experiment-sampler.js";
import { ServingSampler } from "./serving-sampler.js";

/** How often and how much the dashboard's series keep. */
export interface DashboardSamplingOptions {
  /** Milliseconds between samples (real time; default 5 s). */
  sampleMs?: number;
  /** Points kept per series (default 720: an hour at 5 s). */
  capacity?: number;
}

/**
 * The server-side series behind the dashboard's charts: serving (latency, fallbacks) and, when
 * serving a registry, the experiment. Sampled in-process on a timer that never keeps the process
 * alive; a failed sample (state store down) is remembered and the next one tries again.
 */
export class DashboardSamplers {
  readonly serving: ServingSampler;
  readonly experiment: ExperimentSampler | null;
  readonly sampleMs: number;
  /** The last sampling error, cleared by the next successful sample. */
  lastError: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(
    metrics: ServingMetrics,
    clock: () => Clock,
    experiment: ExperimentSource | null,
    options: DashboardSamplingOptions = {},
  ) {
    const capacity = options.capacity ?? 720;
    this.sampleMs = options.sampleMs ?? 5_000;
    this.serving = new ServingSampler(metrics, clock, capacity);
    this.experiment = experiment ? new ExperimentSampler(experiment, clock, capacity) : null;
  }

  /** Samples now, then every `sampleMs`. */
  start(): void {
    if (this.timer) return;
    void this.sampleNow();
    this.timer = setInterval(() => void this.sampleNow(), this.sampleMs);
    this.timer.unref();
  }

  /** Takes one sample of every series (a sample already running is awaited, not doubled). */
  sampleNow(): Promise<void> {
    this.inFlight ??= (async () => {
      try {
        await this.serving.sample();
        await this.experiment?.sample();
        this.lastError = null;
      } catch (error) {
        this.lastError = (error as Error).message;
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
