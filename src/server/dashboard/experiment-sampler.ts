import type { Clock } from "../../core/clock.js";
import {
  type ExperimentSource,
  type ExperimentView,
  readExperiment,
} from "../../experiments/experiment-view.js";
import type { VariantMetrics } from "../../experiments/online-metrics.js";
import { RingBuffer } from "./ring-buffer.js";

/** A rate with its 95% confidence interval. */
export interface RateEstimate {
  rate: number;
  low: number;
  high: number;
}

/** One variant at one sample. */
export interface ArmPoint {
  impressions: number;
  ctr: RateEstimate;
  bookingRate: RateEstimate;
}

/** The experiment at one sample time. */
export interface ExperimentPoint {
  /** Unix ms on the server's clock. */
  t: number;
  experimentId: string;
  canaryVersion: string;
  percent: number;
  paused: boolean;
  champion: ArmPoint;
  canary: ArmPoint;
  /** The decision the rules give at this time: rollback, promote or continue. */
  action: string;
}

const Z95 = 1.959963984540054;

/**
 * The Wilson score interval of `successes` out of `trials` at 95%: unlike the normal
 * approximation it stays inside [0, 1] and is sensible at the small counts an experiment starts
 * with. Zero trials give the uninformative [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, z = Z95): RateEstimate {
  if (trials <= 0) return { rate: 0, low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

function armPoint(m: VariantMetrics): ArmPoint {
  return {
    impressions: m.impressions,
    ctr: wilsonInterval(m.clickedImpressions, m.impressions),
    bookingRate: wilsonInterval(m.bookedImpressions, m.impressions),
  };
}

/**
 * Samples the live experiment into a bounded series, so the dashboard has the metrics' history
 * (with confidence intervals) on first load instead of only from when the page was opened.
 */
export class ExperimentSampler {
  readonly series: RingBuffer<ExperimentPoint>;
  private latest: ExperimentView | null = null;

  /** The view of the last sample: lets a reader skip rebuilding unchanged aggregates. */
  get lastView(): ExperimentView | null {
    return this.latest;
  }

  constructor(
    private readonly source: ExperimentSource,
    private readonly clock: () => Clock,
    capacity: number,
  ) {
    this.series = new RingBuffer(capacity);
  }

  /** Reads the experiment now; appends a point when a canary has checkpointed metrics. */
  async sample(): Promise<ExperimentPoint | null> {
    const clock = this.clock();
    const view = await readExperiment(this.source, clock, this.latest);
    this.latest = view;
    const { experiment, metrics, decision } = view;
    if (!experiment?.canary || !metrics) return null;
    const point: ExperimentPoint = {
      t: clock(),
      experimentId: experiment.id,
      canaryVersion: experiment.canary,
      percent: experiment.percent,
      paused: experiment.paused,
      champion: armPoint(metrics.champion),
      canary: armPoint(metrics.canary),
      action: decision?.action ?? "continue",
    };
    if (point.t < (this.series.last()?.t ?? point.t)) this.series.clear();
    this.series.push(point);
    return point;
  }
}
