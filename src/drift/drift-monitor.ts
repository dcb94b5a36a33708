import type { Clock } from "../core/clock.js";
import { DRIFT_FEATURES } from "../models/artifact/drift-baselines.js";
import type { ServedList } from "../recommend/recommend-service.js";
import type { ServingModel } from "../recommend/serving-model.js";
import type { DriftConfig } from "./drift-config.js";
import { type FeatureDrift, FeatureWindows } from "./feature-windows.js";
import { baselinesOf } from "./model-baselines.js";

/** GET /v1/admin/drift's body (the dashboard renders exactly this shape). */
export interface DriftReport {
  window: {
    seconds: number;
    buckets: number;
    from: string;
    to: string;
    model_version: string | null;
    /** "ok", or why there is nothing to compare with ("no baseline: …", "disabled"). */
    baseline: string;
  };
  /** Whether any feature drifted. */
  drifted: boolean;
  /**
   * The drifted features that ask the controller for a retrain (`drift.retrain`: empty unless
   * `onDrift` is set; all drifted features when its feature list is empty).
   */
  retrain: string[];
  features: FeatureDrift[];
}

/** What other code (the retrain controller) reads: the drifted features and whether to retrain. */
export interface DriftState {
  modelVersion: string | null;
  drifted: string[];
  /** drift.retrain.onDrift is set and a feature it watches drifted. */
  retrain: boolean;
  /** Unix ms of the evaluation. */
  at: number;
}

/** Feature kinds, for reporting features of a model that has no baselines. */
const KIND_OF: Record<string, "psi" | "ks"> = Object.fromEntries(
  Object.values(DRIFT_FEATURES).map((name) => [name, name === DRIFT_FEATURES.score ? "ks" : "psi"]),
);

/** Model versions whose windows are kept (the champion and a canary, or the ones just swapped). */
const KEPT_VERSIONS = 2;

/**
 * Drift detection in the serving process: every served list feeds sliding windows kept per
 * model version, compared on demand with the training baselines stored in that version's
 * artifact (PSI for binned features, two-sample KS for scores). Canary lists are tracked
 * against the canary's own baselines; reports default to the champion.
 */
export class DriftMonitor {
  private readonly windows = new Map<ServingModel, FeatureWindows>();

  constructor(
    readonly config: DriftConfig,
    private readonly clock: Clock,
  ) {}

  /** Feeds one served list; never throws (it runs on the request path). */
  observe(list: ServedList): void {
    if (!this.config.enabled) return;
    try {
      this.windowsOf(list.model)?.observe(list);
    } catch {
      // A malformed baseline must not fail a recommendation; the report shows what is missing.
    }
  }

  /** The comparison for `model` (the champion being served, typically). */
  report(model: ServingModel | null): DriftReport {
    const c = this.config;
    const shape = { seconds: c.windowSeconds, buckets: c.buckets };
    const now = this.clock();
    const iso = (ms: number) => new Date(ms).toISOString();
    const base = {
      ...shape,
      from: iso(now - c.windowSeconds * 1000),
      to: iso(now),
      model_version: model?.version ?? null,
    };
    const found = model ? baselinesOf(model) : { ok: false as const, reason: "no baseline: no model loaded" };
    if (!c.enabled || !model || !found.ok) {
      const reason = !c.enabled ? "disabled" : found.ok ? "ok" : found.reason;
      return {
        window: { ...base, baseline: reason },
        drifted: false,
        retrain: [],
        features: Object.entries(KIND_OF).map(([name, kind]) => ({
          name,
          kind,
          score: null,
          threshold: c.thresholds[name] ?? (kind === "ks" ? c.ksThreshold : c.psiThreshold),
          drifted: false,
          samples: 0,
          baseline: [],
          live: [],
          labels: [],
          status: "no-baseline" as const,
        })),
      };
    }
    const windows = this.windowsOf(model) as FeatureWindows;
    const features = windows.evaluate();
    const span = windows.span();
    const drifted = features.filter((f) => f.drifted).map((f) => f.name);
    const watched = c.retrain.features;
    return {
      window: { ...base, from: iso(span.fromMs), to: iso(span.toMs), baseline: "ok" },
      drifted: drifted.length > 0,
      retrain: c.retrain.onDrift
        ? drifted.filter((name) => watched.length === 0 || watched.includes(name))
        : [],
      features,
    };
  }

  /** The drift state of `model`, for a retrain trigger (see docs/drift.md). */
  state(model: ServingModel | null): DriftState {
    const report = this.report(model);
    const drifted = report.features.filter((f) => f.drifted).map((f) => f.name);
    return {
      modelVersion: report.window.model_version,
      drifted,
      retrain: report.retrain.length > 0,
      at: this.clock(),
    };
  }

  private windowsOf(model: ServingModel): FeatureWindows | null {
    const known = this.windows.get(model);
    if (known) return known;
    const found = baselinesOf(model);
    if (!found.ok) return null;
    const created = new FeatureWindows(found.baselines, this.config, this.clock);
    this.windows.set(model, created);
    // Bounded: forget the oldest versions once more than a champion and a canary are tracked.
    while (this.windows.size > KEPT_VERSIONS) {
      const oldest = this.windows.keys().next().value as ServingModel;
      this.windows.delete(oldest);
    }
    return created;
  }
}
