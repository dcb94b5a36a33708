import { PalateError } from "../core/errors.js";
import { Random } from "../math/random.js";
import type { Recommender } from "../models/recommender.js";
import type { ItemCategories } from "./categories.js";
import { MetricsAccumulator, type RankingMetrics } from "./metrics.js";
import { evaluatedUsers, type Split } from "./splits.js";

/** Options of `evaluate`. */
export interface EvaluateOptions {
  k?: number;
  /** Users per `recommend` call. */
  batchSize?: number;
  /** Item categories for intra-list diversity. */
  itemCategories?: ItemCategories;
  /** Evaluate a random sample of this many users instead of all (faster on big data). */
  users?: number;
  /** Seed of that sample. */
  seed?: number;
}

/** The outcome of an offline evaluation: JSON-friendly (numbers, strings and null only). */
export interface EvaluationReport extends RankingMetrics {
  timing: {
    /** Time spent inside `recommend`. */
    recommendSeconds: number;
    /** Time spent scoring the lists. */
    metricsSeconds: number;
    totalSeconds: number;
  };
}

/**
 * Evaluates a recommender on a split: top-k lists for the evaluated users in batches, with their
 * training items excluded and ranking restricted to the split's candidate items, scored in one
 * pass. Synchronous: a caller sharing its event loop with a server should run it in a worker.
 */
export function evaluate(
  recommender: Pick<Recommender, "kind" | "recommend">,
  split: Split,
  options: EvaluateOptions = {},
): EvaluationReport {
  const { k = 10, batchSize = 1024, itemCategories, seed = 42 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const started = performance.now();
  const users = sampleUsers(evaluatedUsers(split), options.users, seed);
  const metrics = new MetricsAccumulator(split, { k, users, itemCategories });
  let recommendMs = 0;
  let metricsMs = 0;
  for (let from = 0; from < users.length; from += batchSize) {
    const batch = users.subarray(from, Math.min(from + batchSize, users.length));
    const t0 = performance.now();
    const recs = recommender.recommend(batch, { k, exclude: split.train, candidates: split.candidateItems });
    const t1 = performance.now();
    const stride = recs.k;
    if (!(stride >= 0) || recs.items.length < batch.length * stride) {
      throw new PalateError(
        `${recommender.kind}.recommend returned ${recs.items.length} items for ${batch.length} users at k=${stride}`,
      );
    }
    for (let b = 0; b < batch.length; b++) {
      metrics.add(batch[b], recs.items.subarray(b * stride, (b + 1) * stride));
    }
    recommendMs += t1 - t0;
    metricsMs += performance.now() - t1;
  }
  const t2 = performance.now();
  const result = metrics.finish();
  metricsMs += performance.now() - t2;
  return {
    ...result,
    timing: {
      recommendSeconds: recommendMs / 1000,
      metricsSeconds: metricsMs / 1000,
      totalSeconds: (performance.now() - started) / 1000,
    },
  };
}

/** A seeded sample of `size` users (ascending), or all of them when `size` is absent or larger. */
function sampleUsers(users: Int32Array, size: number | undefined, seed: number): Int32Array {
  if (size === undefined || size >= users.length) return users;
  if (!Number.isInteger(size) || size < 0)
    throw new RangeError(`users must be a non-negative integer, got ${size}`);
  const copy = new Random(seed).shuffle(Int32Array.from(users));
  return copy.slice(0, size).sort();
}

/** A readable table of a report, one metric per line, for the CLI and logs. */
export function formatReport(report: EvaluationReport): string {
  const k = report.k;
  const fixed = (x: number | null): string => (x === null ? "n/a" : x.toFixed(4));
  const rows: [string, string][] = [
    [`precision@${k}`, fixed(report.precision)],
    [`recall@${k}`, fixed(report.recall)],
    [`ndcg@${k}`, fixed(report.ndcg)],
    [`map@${k}`, fixed(report.map)],
    [`hit rate@${k}`, fixed(report.hitRate)],
    ["coverage", fixed(report.coverage)],
    ["diversity", fixed(report.diversity)],
    ["novelty", fixed(report.novelty)],
    ["users evaluated", String(report.usersEvaluated)],
    ["users missing", String(report.usersMissing)],
    ["seen recommended", String(report.seenRecommended)],
    [
      "time",
      `${report.timing.totalSeconds.toFixed(2)} s (recommend ${report.timing.recommendSeconds.toFixed(2)} s, ` +
        `metrics ${report.timing.metricsSeconds.toFixed(2)} s)`,
    ],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`);
  return lines.join("\n");
}
