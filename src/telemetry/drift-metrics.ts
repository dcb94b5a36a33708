import { Gauge, type Registry } from "prom-client";
import type { DriftMonitor } from "../drift/drift-monitor.js";
import type { ServingModel } from "../recommend/serving-model.js";

/**
 * Drift gauges, on the serving process's registry (ServingMetrics.registry), evaluated at scrape
 * time from the monitor: one series per feature of the model being served.
 */
export function registerDriftMetrics(
  registry: Registry,
  monitor: DriftMonitor,
  model: () => ServingModel | null,
): void {
  // One evaluation per scrape, shared by the four gauges (each collect() runs in turn).
  let cached: { at: number; report: ReturnType<DriftMonitor["report"]> } | null = null;
  const report = () => {
    const now = Date.now();
    if (!cached || now - cached.at > 500) cached = { at: now, report: monitor.report(model()) };
    return cached.report;
  };
  const gauge = (
    name: string,
    help: string,
    value: (f: ReturnType<DriftMonitor["report"]>["features"][number]) => number | null,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ["feature", "test"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const f of report().features) {
          const v = value(f);
          if (v !== null && Number.isFinite(v)) this.labels(f.name, f.kind).set(v);
        }
      },
    });
  gauge(
    "palate_drift_score",
    "Drift of each feature against its training baseline (PSI for binned features, KS statistic D for scores)",
    (f) => f.score,
  );
  gauge("palate_drift_threshold", "Score above which a feature counts as drifted", (f) => f.threshold);
  gauge("palate_drift_detected", "1 when the feature has drifted, else 0", (f) => (f.drifted ? 1 : 0));
  gauge("palate_drift_samples", "Live observations of the feature in the sliding window", (f) => f.samples);
}
