import { type CsrMatrix, selectEntries } from "../core/csr.js";
import { Random } from "../math/random.js";
import { groupByColumn } from "./entry-order.js";
import { checkFraction, type Split } from "./splits.js";

/** Options of `stratifiedSplit`; the project default is by item, 0.75, seed 42. */
export interface StratifiedSplitOptions {
  /** Whose entries are split in proportion: each user's, or each item's. */
  by: "user" | "item";
  /** Share of each group's entries that goes to train. */
  ratio?: number;
  seed?: number;
}

/**
 * A random split stratified per user or per item: each group's entries are shuffled and
 * round(ratio·n) of them go to train (a group of one entry stays in train). By item with 0.75 and
 * seed 42 is the project's default protocol, after microsoft/recommenders' python_stratified_split.
 */
export function stratifiedSplit(m: CsrMatrix, options: StratifiedSplitOptions): Split {
  const { by, ratio = 0.75, seed = 42 } = options;
  checkFraction("ratio", ratio);
  const rng = new Random(seed);
  const mask = new Uint8Array(m.indices.length);
  if (by === "item") {
    const groups = groupByColumn(m);
    markGroups(groups.ptr, m.nCols, groups.positions, ratio, rng, mask);
  } else {
    markGroups(m.indptr, m.nRows, null, ratio, rng, mask);
  }
  return {
    name: `stratified-by-${by}-${ratio}-seed${seed}`,
    train: selectEntries(m, mask, 1),
    test: selectEntries(m, mask, 0),
  };
}

/**
 * Sets `mask[e] = 1` for the train share of each group. A group is `positions[ptr[g]..ptr[g+1])`,
 * or the contiguous entry range itself when `positions` is null (rows of a CSR matrix).
 */
function markGroups(
  ptr: Int32Array,
  nGroups: number,
  positions: Int32Array | null,
  ratio: number,
  rng: Random,
  mask: Uint8Array,
): void {
  let longest = 0;
  if (!positions) for (let g = 0; g < nGroups; g++) longest = Math.max(longest, ptr[g + 1] - ptr[g]);
  // Shuffling a small scratch copy avoids a second nnz-sized array for row groups.
  const scratch = new Int32Array(longest);
  for (let g = 0; g < nGroups; g++) {
    const start = ptr[g];
    const n = ptr[g + 1] - start;
    if (n === 0) continue;
    const nTrain = n === 1 ? 1 : Math.round(ratio * n);
    if (positions) {
      rng.shuffle(positions, start, start + n);
      for (let i = 0; i < nTrain; i++) mask[positions[start + i]] = 1;
    } else {
      for (let i = 0; i < n; i++) scratch[i] = start + i;
      rng.shuffle(scratch, 0, n);
      for (let i = 0; i < nTrain; i++) mask[scratch[i]] = 1;
    }
  }
}
