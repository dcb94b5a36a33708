import { Counter, Gauge, type Registry } from "prom-client";
import type { VariantMetrics } from "../experiments/online-metrics.js";
import type { ExperimentReading } from "./experiment-reading.js";

/**
 * The experiment's metrics (part of the one metrics module, `metrics.ts`, in a file of its own
 * for size): the live experiment, the controller's per-variant online metrics, and canary
 * decisions so far, read from the registry's state store at scrape time. Every collector of one
 * scrape shares one read; a failed read is counted and leaves the experiment gauges empty for
 * that scrape rather than failing the whole scrape.
 */
export function registerExperimentMetrics(registry: Registry, read: () => Promise<ExperimentReading>): void {
  const registers = [registry];
  const readErrors = new Counter({
    name: "palate_experiment_read_errors_total",
    help: "Scrapes whose read of the experiment from the state store failed",
    registers,
  });
  const reading = sharedRead(() =>
    read().catch(() => {
      readErrors.inc();
      return null;
    }),
  );
  const gauge = (
    name: string,
    help: string,
    labelNames: string[],
    fill: (gauge: Gauge, r: ExperimentReading) => void,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        const r = await reading();
        this.reset();
        if (r) fill(this, r);
      },
    });
  gauge(
    "palate_experiment_info",
    "The live experiment (value 1): its id, champion and canary version (empty without a canary)",
    ["experiment", "champion", "canary"],
    (g, { experiment: e }) => {
      if (e) g.labels(e.id, e.champion, e.canary ?? "").set(1);
    },
  );
  const experimentGauge = (
    name: string,
    help: string,
    pick: (e: NonNullable<ExperimentReading["experiment"]>) => number,
  ) =>
    gauge(name, help, [], (g, { experiment }) => {
      if (experiment) g.set(pick(experiment));
    });
  experimentGauge(
    "palate_experiment_canary_percent",
    "Share of users sent to the canary, 0 to 100 (0 without a canary)",
    (e) => (e.canary ? e.percent : 0),
  );
  experimentGauge(
    "palate_experiment_paused",
    "1 while the canary is paused (everyone gets the champion)",
    (e) => (e.paused ? 1 : 0),
  );
  experimentGauge(
    "palate_experiment_started_timestamp_seconds",
    "When the live experiment started, unix seconds",
    (e) => e.startedAt / 1000,
  );
  const variantGauge = (name: string, help: string, pick: (v: VariantMetrics) => number | null) =>
    gauge(name, help, ["variant"], (g, { variants }) => {
      if (!variants) return;
      for (const variant of ["champion", "canary"] as const) {
        const value = pick(variants[variant]);
        if (value !== null) g.labels(variant).set(value);
      }
    });
  variantGauge(
    "palate_experiment_impressions",
    "Lists served in the live experiment per variant, as the controller last counted them",
    (v) => v.impressions,
  );
  variantGauge(
    "palate_experiment_clicked_impressions",
    "Lists with at least one attributed click, per variant",
    (v) => v.clickedImpressions,
  );
  variantGauge(
    "palate_experiment_booked_impressions",
    "Lists with at least one attributed booking, per variant",
    (v) => v.bookedImpressions,
  );
  variantGauge(
    "palate_experiment_click_through_ratio",
    "Clicked lists / lists per variant (the experiment's CTR)",
    (v) => v.ctr,
  );
  variantGauge(
    "palate_experiment_booking_ratio",
    "Booked lists / lists per variant (the experiment's booking rate)",
    (v) => v.bookingRate,
  );
  variantGauge(
    "palate_experiment_coverage_ratio",
    "Distinct items shown / catalogue size per variant (a guardrail)",
    (v) => v.coverage,
  );
  gauge(
    "palate_experiment_event_timestamp_seconds",
    "Event time the controller's online metrics have reached (unix seconds of the newest impression read)",
    [],
    (g, { variants }) => {
      if (variants) g.set(variants.eventTime);
    },
  );
  new Counter({
    name: "palate_canary_decisions_total",
    help: "Canary promotions and rollbacks recorded in the registry history, by action (promote, rollback) and actor (controller, admin, cli)",
    labelNames: ["action", "actor"],
    registers,
    async collect() {
      const r = await reading();
      // On a failed read the last counts stay: a counter must not vanish and come back.
      if (!r) return;
      this.reset();
      for (const d of r.decisions) this.labels(d.action, d.actor).inc(d.count);
    },
  });
}

/** Shares one in-flight read among the collectors of a scrape (prom-client collects them concurrently). */
function sharedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= read().finally(() => {
      pending = null;
    });
    return pending;
  };
}
