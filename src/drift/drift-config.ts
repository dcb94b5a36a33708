import { z } from "zod";

/** Drift detection settings: the `drift` field of the serving configuration. */
export const DriftConfigSchema = z
  .object({
    /** Off: no observation, /v1/admin/drift reports the monitor disabled. */
    enabled: z.boolean().default(true),
    /** Length of the sliding window compared with the training baselines. */
    windowSeconds: z
      .number()
      .int()
      .min(60)
      .max(30 * 86_400)
      .default(3600),
    /** Buckets the window slides by (memory is buckets × bins, plus the score reservoirs). */
    buckets: z.number().int().min(1).max(1440).default(12),
    /** A binned feature drifts when its population stability index exceeds this. */
    psiThreshold: z.number().positive().default(0.2),
    /**
     * The score distribution drifts when the KS statistic D exceeds this and p < ksAlpha. D, not
     * p alone: with thousands of scores a p-value flags differences too small to matter, and the
     * baseline replays serving's filters only approximately (healthy traffic measured D ≤ 0.08
     * on the test city over four seeds, docs/drift.md).
     */
    ksThreshold: z.number().positive().max(1).default(0.15),
    ksAlpha: z.number().gt(0).lt(1).default(0.01),
    /** Fewer live samples than this: the feature reports "insufficient data", never drift. */
    minSamples: z.number().int().min(1).default(200),
    /** Scores kept per bucket for the KS test (a seeded reservoir). */
    scoresPerBucket: z.number().int().min(10).max(100_000).default(1000),
    /** Per-feature threshold overrides, e.g. { "location_cell": 0.25 }. */
    thresholds: z.record(z.string(), z.number().positive()).default({}),
    /** Whether drift should ask the controller for a retrain, and on which features (all when empty). */
    retrain: z
      .object({
        onDrift: z.boolean().default(false),
        features: z.array(z.string()).default([]),
      })
      .strict()
      .default({ onDrift: false, features: [] }),
  })
  .strict();
export type DriftConfig = z.infer<typeof DriftConfigSchema>;

/** The defaults, for callers that build a monitor without a config file. */
export const DRIFT_DEFAULTS: DriftConfig = DriftConfigSchema.parse({});
