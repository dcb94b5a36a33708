import type { Clock } from "../../core/clock.js";
import type { ServingMetrics } from "../../telemetry/metrics.js";
import { RingBuffer } from "./ring-buffer.js";

/** The route whose latency the dashboard charts: the recommendation path. */
const SERVING_ROUTE = "/v1/recommendations";
/** Every fallback label the recommendation counter uses, "none" being a personalised list. */
export const FALLBACKS = ["none", "cached-events", "context-popularity", "global-popularity"] as const;

/** One interval of serving, between two samples of the process's counters. */
export interface ServingPoint {
  /** End of the interval, unix ms on the server's clock. */
  t: number;
  /** Recommendation requests answered in the interval, and per real second (whatever the clock). */
  requests: number;
  rps: number;
  /** Latency quantiles of the recommendation route in ms (null without requests). */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Share of all HTTP responses in the interval that were 5xx (null without responses). */
  errorRate: number | null;
  /** Share of recommendation lists by fallback ("none" = personalised); null without lists. */
  fallback: Record<(typeof FALLBACKS)[number], number> | null;
}

/** Cumulative counts read from the metrics at one instant. */
interface Totals {
  /** Upper bound (seconds, Infinity last) → cumulative count of recommendation requests. */
  buckets: Map<number, number>;
  responses: number;
  errors: number;
  lists: Map<string, number>;
}

const EMPTY: Totals = { buckets: new Map(), responses: 0, errors: 0, lists: new Map() };

/**
 * Samples the serving counters that `ServingMetrics` already keeps (the request-latency histogram
 * and the recommendations counter) into a bounded series of per-interval points: rate, latency
 * quantiles, 5xx share and fallback shares. It only reads the metrics, so `/metrics` and the
 * dashboard always agree. The first point covers the time since the sampler was created.
 */
export class ServingSampler {
  readonly series: RingBuffer<ServingPoint>;
  private previous: Totals = EMPTY;
  private previousElapsed: number;

  /**
   * `clock` stamps the points (the server's clock, simulated in a demo, so they line up with the
   * experiment); `elapsedMs` measures real time for the request rate, which is a fact about the
   * process however fast simulated time runs.
   */
  constructor(
    private readonly metrics: ServingMetrics,
    private readonly clock: () => Clock,
    capacity: number,
    private readonly elapsedMs: () => number = () => performance.now(),
  ) {
    this.series = new RingBuffer(capacity);
    this.previousElapsed = elapsedMs();
  }

  /** Reads the counters now and appends the interval since the previous sample. */
  async sample(): Promise<ServingPoint> {
    const now = this.clock()();
    const elapsed = this.elapsedMs();
    const totals = await this.readTotals();
    const before = this.previous;
    const bounds = [...totals.buckets.keys()].sort((a, b) => a - b);
    const cumulative = bounds.map((le) => delta(totals.buckets.get(le), before.buckets.get(le)));
    const requests = cumulative.at(-1) ?? 0;
    const responses = delta(totals.responses, before.responses);
    const lists = FALLBACKS.map((f) => delta(totals.lists.get(f), before.lists.get(f)));
    const listCount = lists.reduce((a, b) => a + b, 0);
    const seconds = Math.max(0, elapsed - this.previousElapsed) / 1000;
    const quantileMs = (q: number) => {
      const s = histogramQuantile(q, bounds, cumulative);
      return s === null ? null : s * 1000;
    };
    const point: ServingPoint = {
      t: now,
      requests,
      rps: seconds > 0 ? requests / seconds : 0,
      p50Ms: quantileMs(0.5),
      p95Ms: quantileMs(0.95),
      p99Ms: quantileMs(0.99),
      errorRate: responses > 0 ? delta(totals.errors, before.errors) / responses : null,
      fallback:
        listCount > 0
          ? (Object.fromEntries(
              FALLBACKS.map((f, i) => [f, lists[i] / listCount]),
            ) as ServingPoint["fallback"])
          : null,
    };
    this.previous = totals;
    this.previousElapsed = elapsed;
    // A clock that went back (a simulation restarted, a test swapped it) begins a new series:
    // points of two clocks on one time axis would read as months of silence.
    if (now < (this.series.last()?.t ?? now)) this.series.clear();
    this.series.push(point);
    return point;
  }

  private async readTotals(): Promise<Totals> {
    const totals: Totals = { buckets: new Map(), responses: 0, errors: 0, lists: new Map() };
    for (const v of (await this.metrics.requestDuration.get()).values) {
      const labels = v.labels as Record<string, string | number>;
      if (v.metricName?.endsWith("_count")) {
        totals.responses += v.value;
        if (labels.status_class === "5xx") totals.errors += v.value;
      } else if (v.metricName?.endsWith("_bucket") && labels.route === SERVING_ROUTE) {
        const le = labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(labels.le);
        totals.buckets.set(le, (totals.buckets.get(le) ?? 0) + v.value);
      }
    }
    for (const v of (await this.metrics.recommendations.get()).values) {
      const fallback = String(v.labels.fallback ?? "none");
      totals.lists.set(fallback, (totals.lists.get(fallback) ?? 0) + v.value);
    }
    return totals;
  }
}

/** A counter's increase; never negative (a counter that went back counts from zero). */
function delta(now: number | undefined, before: number | undefined): number {
  const d = (now ?? 0) - (before ?? 0);
  return d >= 0 ? d : (now ?? 0);
}

/**
 * The q-quantile of a histogram given as ascending upper bounds and cumulative counts, by linear
 * interpolation inside the bucket (Prometheus's `histogram_quantile`); a quantile in the +Inf
 * bucket is the highest finite bound. Null when the histogram is empty.
 */
export function histogramQuantile(q: number, bounds: number[], cumulative: number[]): number | null {
  const total = cumulative.at(-1) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if (cumulative[i] < rank) continue;
    const upper = bounds[i];
    const lower = i === 0 ? 0 : bounds[i - 1];
    if (!Number.isFinite(upper)) return Number.isFinite(lower) ? lower : null;
    const below = i === 0 ? 0 : cumulative[i - 1];
    const inBucket = cumulative[i] - below;
    return inBucket > 0 ? lower + ((upper - lower) * (rank - below)) / inBucket : upper;
  }
  return null;
}
