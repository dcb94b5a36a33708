import { z } from "zod";
import { readConfigFile } from "../core/config-file.js";
import { InputError } from "../core/errors.js";
import { CONTENT_BLOCKS, ContentOptionsSchema } from "../models/content/content-options.js";
import type { HybridOptions } from "../models/hybrid/hybrid-options.js";
import { PART_NAMES } from "../models/hybrid/hybrid-part.js";

const positiveInt = z.number().int().min(1);
const nonNegative = z.number().min(0);

/** ALS (`AlsParams`), with the threads of training. */
const AlsConfig = z.strictObject({
  factors: positiveInt,
  regularization: nonNegative,
  alpha: nonNegative,
  confidenceBase: nonNegative,
  iterations: z.number().int().min(0),
  cgSteps: positiveInt,
  seed: z.number().int().min(0),
  threads: z.number().int().min(0),
});

/** Factorised EASE (`EaseParams`). */
const EaseConfig = z.strictObject({
  rank: positiveInt,
  lambda: z.number().positive(),
  powerIterations: positiveInt,
  oversample: z.number().int().min(0),
  seed: z.number().int(),
});

/** ELSA (`ElsaTrainingOptions`). */
const ElsaConfig = z.strictObject({
  factors: positiveInt,
  epochs: z.number().int().min(0),
  learningRate: z.number().positive(),
  batchSize: z.number().int().min(0),
  seed: z.number().int(),
  binary: z.boolean(),
  dropout: z.number().min(0).lt(1),
  ridge: nonNegative,
});

/** Cleora (`CleoraOptions`; custom attribute functions are for code, not files). */
const CleoraConfig = z.strictObject({
  dimensions: positiveInt,
  iterations: positiveInt,
  init: z.enum(["sign", "uniform"]),
  userVectors: z.enum(["mean-of-items", "propagated"]),
  weighted: z.boolean(),
  whiten: z.boolean(),
  attributes: z.enum(["none", "default", "categories"]),
  attributeShare: z.number().min(0).max(1),
  threads: positiveInt,
});

/** Content (`ContentOptions`): any subset, block weights too. */
const ContentConfig = ContentOptionsSchema.extend({
  blockWeights: z.strictObject(Object.fromEntries(CONTENT_BLOCKS.map((b) => [b, nonNegative]))).partial(),
})
  .strict()
  .partial();

/** The popularity part's per-context prior (`ContextPriorOptions`), or false for none. */
const PopularityConfig = z.strictObject({
  context: z.union([
    z.literal(false),
    z
      .strictObject({
        cellKm: z.number().positive(),
        strength: z.union([nonNegative, z.literal("auto")]),
        holdout: z.number().gt(0).lt(1),
      })
      .partial(),
  ]),
});

/**
 * A `palate train --config` file: the hybrid's options and each part's, every field optional
 * (defaults fill the rest) and unknown fields rejected, so a typo cannot silently do nothing.
 */
export const TrainConfigSchema = z
  .strictObject({
    parts: z
      .array(z.enum(PART_NAMES.filter((p) => p !== "external") as [string, ...string[]]))
      .min(1)
      .refine((parts) => new Set(parts).size === parts.length, "must not repeat a part"),
    buckets: z
      .strictObject({ coldMax: z.number().int().min(0), warmMax: z.number().int().min(0) })
      .refine((b) => b.coldMax < b.warmMax, "coldMax must be below warmMax"),
    validation: z
      .strictObject({
        ratio: z.number().gt(0).lt(1),
        coldFraction: z.number().min(0).max(1),
        coldN: positiveInt,
        maxUsersPerBucket: positiveInt,
        seed: z.number().int().min(0),
      })
      .partial(),
    coldItemRidge: nonNegative,
    coldItemMinUsers: positiveInt,
    als: AlsConfig.partial(),
    ease: EaseConfig.partial(),
    elsa: ElsaConfig.partial(),
    cleora: CleoraConfig.partial(),
    content: ContentConfig,
    popularity: PopularityConfig.partial(),
  })
  .partial();

/** The validated contents of a train config file. */
export type TrainConfig = z.infer<typeof TrainConfigSchema>;

/**
 * Reads and validates a train config file. Errors name the file and either the line of a JSON
 * syntax error or the full path of the offending field (`als.factorz`, `cleora.dimensions`).
 */
export function readTrainConfig(path: string): TrainConfig {
  // readConfigFile reports syntax errors by line; the schema check here names unknown keys in
  // full, which zod's own issue path (the enclosing object) does not.
  const json = readConfigFile(path, z.unknown());
  const parsed = TrainConfigSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path_ = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const field = [...path_, issue.keys[0]].join(".");
    throw new InputError({ source: path, field }, "unknown field (see palate train --help for the fields)");
  }
  throw new InputError({ source: path, field: path_.join(".") || undefined }, issue.message);
}

/** The training flags that override a config file's fields. */
export interface TrainFlags {
  alsFactors?: number;
  alsIterations?: number;
  alsRegularization?: number;
  cleoraDimensions?: number;
  cleoraIterations?: number;
  contextStrength?: number | "auto";
}

/** Drops undefined fields, so they never override a value. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The model options of a training run: the config file's fields with the command-line flags
 * on top (a flag wins over the file, so one run can vary a field of a shared file).
 */
export function trainOptionsFrom(config: TrainConfig, flags: TrainFlags): HybridOptions {
  const popularityContext = config.popularity?.context;
  const contextFlag = flags.contextStrength;
  return {
    ...config,
    parts: config.parts as HybridOptions["parts"],
    als: {
      ...config.als,
      ...defined({
        factors: flags.alsFactors,
        iterations: flags.alsIterations,
        regularization: flags.alsRegularization,
      }),
    },
    cleora: {
      ...config.cleora,
      ...defined({ dimensions: flags.cleoraDimensions, iterations: flags.cleoraIterations }),
    },
    content: config.content as HybridOptions["content"],
    popularity:
      contextFlag === undefined
        ? config.popularity
        : { context: { ...(popularityContext === false ? {} : popularityContext), strength: contextFlag } },
  };
}
