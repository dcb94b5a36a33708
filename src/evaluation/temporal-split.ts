import { type CsrMatrix, selectEntries } from "../core/csr.js";
import { requireTimestamps } from "./entry-order.js";
import { checkFraction, type Split } from "./splits.js";

/** Options of `temporalSplit`: an explicit cut time, or the share of entries to train on. */
export type TemporalSplitOptions = { cut: number } | { ratio: number };

/**
 * A global temporal split: entries whose earliest timestamp is before the cut (unix seconds) go to
 * train, the rest to test. With `ratio`, the cut is that quantile of the entry timestamps, so
 * ties at the cut all go to test and train may be slightly smaller than the ratio.
 */
export function temporalSplit(m: CsrMatrix, options: TemporalSplitOptions): Split {
  const t = requireTimestamps(m, "temporalSplit");
  let cut: number;
  let name: string;
  if ("cut" in options) {
    if (Number.isNaN(options.cut)) throw new RangeError("cut must be a number");
    cut = options.cut;
    name = `temporal-cut-${cut}`;
  } else {
    checkFraction("ratio", options.ratio);
    cut = quantileCut(t, options.ratio);
    name = `temporal-${options.ratio}`;
  }
  const mask = new Uint8Array(t.length);
  for (let e = 0; e < t.length; e++) mask[e] = t[e] < cut ? 1 : 0;
  return { name, train: selectEntries(m, mask, 1), test: selectEntries(m, mask, 0) };
}

/** The time before which round(ratio·n) entries fall when timestamps are distinct. */
export function quantileCut(timestamps: Float64Array, ratio: number): number {
  const q = Math.round(ratio * timestamps.length);
  if (q >= timestamps.length) return Number.POSITIVE_INFINITY;
  // A typed-array sort is numeric and needs no comparator; 50M values sort in a few seconds.
  const sorted = timestamps.slice().sort();
  return sorted[q];
}
