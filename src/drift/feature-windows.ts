import type { Clock } from "../core/clock.js";
import type { Item } from "../core/types.js";
import { periodAt } from "../data/city/meal-time.js";
import {
  type BinnedBaseline,
  DRIFT_FEATURES,
  type DriftBaselines,
  type FeatureBaseline,
} from "../models/artifact/drift-baselines.js";
import {
  type BinRule,
  binCount,
  binLabels,
  categoryBin,
  cuisineOf,
  edgeBin,
  gridBin,
  priceOf,
} from "../models/artifact/drift-binning.js";
import type { ItemCatalog } from "../recommend/item-catalog.js";
import type { ServedList } from "../recommend/recommend-service.js";
import type { DriftConfig } from "./drift-config.js";
import { ksTest } from "./ks.js";
import { populationStabilityIndex, proportions } from "./psi.js";
import { BinnedWindow, SampleWindow, type WindowShape } from "./sliding-window.js";

/** One feature's comparison, in the admin API's shape. */
export interface FeatureDrift {
  name: string;
  kind: "psi" | "ks";
  /** PSI, or the KS statistic D; null when there is nothing to compare. */
  score: number | null;
  threshold: number;
  drifted: boolean;
  /** Live observations in the window. */
  samples: number;
  /** Bin proportions (psi) or deciles (ks) of the training baseline and of the window. */
  baseline: number[];
  live: number[];
  labels: string[];
  status: "ok" | "drifted" | "insufficient-data" | "no-baseline";
  p_value?: number;
}

const DECILE_LABELS = Array.from({ length: 11 }, (_, i) => `p${i * 10}`);

function deciles(sorted: ArrayLike<number>): number[] {
  if (sorted.length === 0) return [];
  return Array.from(
    { length: 11 },
    (_, i) => sorted[Math.min(sorted.length - 1, Math.floor((i / 10) * sorted.length))],
  );
}

/** How a served list yields a binned feature's values (bins under the baseline's rule). */
type Extractor = (list: ServedList, rule: BinRule, bucket: Float64Array, items: ItemBins) => void;

/** Counts one value in its bin of the window's current bucket (a bin outside it is left out). */
function add(bucket: Float64Array, bin: number): void {
  if (bin >= 0 && bin < bucket.length) bucket[bin] += 1;
}

/** An item not binned yet (−1 is a binner's "no value", e.g. no price: remembered, then left out). */
const UNBINNED = -2;

/**
 * A feature's bin per item index, so the items of every served list are binned without reading
 * their metadata objects again (that was ≈ 6% of a saturated request's CPU at 100k items). An
 * entry holds while the catalogue returns the same metadata object: an upsert replaces it.
 */
class ItemBins {
  private bins = new Int32Array(0);
  private metas: (Item | undefined)[] = [];

  of(catalog: ItemCatalog, item: number, binOf: (meta: Item | undefined, item: number) => number): number {
    const meta = catalog.metadata(item);
    if (item < this.bins.length && this.bins[item] !== UNBINNED && this.metas[item] === meta)
      return this.bins[item];
    if (item >= this.bins.length) this.grow(Math.max(catalog.size, item + 1));
    const bin = binOf(meta, item);
    this.bins[item] = bin;
    this.metas[item] = meta;
    return bin;
  }

  private grow(size: number): void {
    const bins = new Int32Array(Math.max(size, 2 * this.bins.length)).fill(UNBINNED);
    bins.set(this.bins);
    const metas = new Array<Item | undefined>(bins.length).fill(undefined);
    this.metas.forEach((meta, i) => {
      metas[i] = meta;
    });
    this.bins = bins;
    this.metas = metas;
  }
}

const EXTRACT: Record<string, Extractor> = {
  [DRIFT_FEATURES.popularity]: (list, rule, bucket, items) => {
    if (rule.type !== "edges") return;
    const pop = list.model.popularity;
    // Items added after training have no training users: popularity 0.
    const binOf = (_: Item | undefined, item: number) =>
      edgeBin(rule.edges, item < pop.length ? pop[item] : 0);
    for (const { item } of list.items) add(bucket, items.of(list.model.catalog, item, binOf));
  },
  [DRIFT_FEATURES.price]: (list, rule, bucket, items) => {
    if (rule.type !== "edges") return;
    // −1: an item without a price, left out.
    const binOf = (meta: Item | undefined) => {
      const price = priceOf(meta);
      return price === undefined ? -1 : edgeBin(rule.edges, price);
    };
    for (const { item } of list.items) {
      const bin = items.of(list.model.catalog, item, binOf);
      if (bin >= 0) add(bucket, bin);
    }
  },
  [DRIFT_FEATURES.cuisine]: (list, rule, bucket, items) => {
    if (rule.type !== "categories") return;
    const binOf = (meta: Item | undefined) => categoryBin(rule.names, cuisineOf(meta));
    for (const { item } of list.items) add(bucket, items.of(list.model.catalog, item, binOf));
  },
  [DRIFT_FEATURES.activity]: (list, rule, bucket) => {
    // The training history the model knows (the baseline's measure), not events since.
    // Users the model never saw are the cold-start share, not part of this distribution.
    const length = list.model.trainedCount(list.userIndex);
    if (rule.type === "edges" && length > 0) add(bucket, edgeBin(rule.edges, length));
  },
  [DRIFT_FEATURES.location]: (list, rule, bucket) => {
    const near = list.request.near;
    if (rule.type === "grid" && near) add(bucket, gridBin(rule, near.lat, near.lon));
  },
  [DRIFT_FEATURES.meal]: (list, rule, bucket) => {
    if (rule.type === "categories" && list.request.at !== undefined) add(bucket, periodAt(list.request.at));
  },
};

type Tracked =
  | { baseline: BinnedBaseline; window: BinnedWindow; extract: Extractor; items: ItemBins }
  | { baseline: Exclude<FeatureBaseline, BinnedBaseline>; window: SampleWindow };

/**
 * The live side of one model version's baselines: a sliding window per feature, fed from each
 * served list, and the comparison of every window with its baseline.
 */
export class FeatureWindows {
  private readonly tracked: Tracked[] = [];
  readonly shape: WindowShape;

  constructor(
    baselines: DriftBaselines,
    private readonly config: DriftConfig,
    private readonly clock: Clock,
  ) {
    this.shape = { windowMs: config.windowSeconds * 1000, buckets: config.buckets };
    for (const baseline of baselines.features) {
      if (baseline.kind === "ks") {
        this.tracked.push({
          baseline,
          window: new SampleWindow(config.scoresPerBucket, this.shape, clock, 7),
        });
        continue;
      }
      const extract = EXTRACT[baseline.name];
      // A feature this build does not know how to observe (a newer artifact) is left out.
      if (!extract || binCount(baseline.rule) !== baseline.counts.length) continue;
      this.tracked.push({
        baseline,
        window: new BinnedWindow(baseline.counts.length, this.shape, clock),
        extract,
        items: new ItemBins(),
      });
    }
  }

  observe(list: ServedList): void {
    for (const t of this.tracked) {
      if ("extract" in t) {
        t.extract(list, t.baseline.rule, t.window.bucket(), t.items);
      } else if (list.personalised) {
        t.window.addScores(list.items);
      }
    }
  }

  /** The window's start and end (unix ms). */
  span(): { fromMs: number; toMs: number } {
    const now = this.clock();
    const bucketMs = this.shape.windowMs / this.shape.buckets;
    return { fromMs: (Math.floor(now / bucketMs) - this.shape.buckets + 1) * bucketMs, toMs: now };
  }

  /** Every tracked feature compared with its baseline. */
  evaluate(): FeatureDrift[] {
    const c = this.config;
    return this.tracked.map((t): FeatureDrift => {
      const name = t.baseline.name;
      if (!("extract" in t)) {
        const threshold = c.thresholds[name] ?? c.ksThreshold;
        const live = t.window.sorted();
        const samples = t.window.seen();
        const test = live.length > 0 ? ksTest(t.baseline.sample, live, c.ksAlpha) : null;
        const enough = samples >= c.minSamples;
        const drifted = enough && test !== null && test.statistic > threshold && test.pValue < c.ksAlpha;
        return {
          name,
          kind: "ks",
          score: test?.statistic ?? null,
          threshold,
          drifted,
          samples,
          baseline: deciles(t.baseline.sample),
          live: deciles(live),
          labels: DECILE_LABELS,
          status: !enough ? "insufficient-data" : drifted ? "drifted" : "ok",
          ...(test ? { p_value: test.pValue } : {}),
        };
      }
      const threshold = c.thresholds[name] ?? c.psiThreshold;
      const counts = t.window.counts();
      const samples = counts.reduce((s, x) => s + x, 0);
      const score = samples > 0 ? populationStabilityIndex(t.baseline.counts, counts) : null;
      const enough = samples >= c.minSamples;
      const drifted = enough && score !== null && score > threshold;
      return {
        name,
        kind: "psi",
        score,
        threshold,
        drifted,
        samples,
        baseline: proportions(t.baseline.counts),
        live: proportions(counts),
        labels: binLabels(t.baseline.rule),
        status: !enough ? "insufficient-data" : drifted ? "drifted" : "ok",
      };
    });
  }
}
