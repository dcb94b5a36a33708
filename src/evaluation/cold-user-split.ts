import { type CsrMatrix, rowLength, selectEntries } from "../core/csr.js";
import { Random } from "../math/random.js";
import { selectByTime } from "./entry-order.js";
import { checkFraction, evaluatedUsers, type Split } from "./splits.js";
import { stratifiedSplit } from "./stratified-split.js";

/** Options of `coldUserSplit`. */
export interface ColdUserSplitOptions {
  /** Share of the base split's evaluable users made cold. */
  fraction?: number;
  /** How many training entries each cold user keeps (0 makes them entirely unknown). */
  n: number;
  seed?: number;
  /** The split to start from; default `stratifiedSplit(m, { by: "item" })` (0.75, seed 42). */
  base?: Split;
}

/**
 * Simulates users at the start of their history: a random fraction of the base split's users
 * with test entries keep only their n earliest training entries (timestamp, then item index; item
 * index alone without timestamps). Their other training entries are dropped, not moved to test,
 * so test still holds what the base split held out. Only these users are evaluated.
 */
export function coldUserSplit(m: CsrMatrix, options: ColdUserSplitOptions): Split {
  const { fraction = 0.2, n, seed = 42 } = options;
  checkFraction("fraction", fraction, true);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  const base = options.base ?? stratifiedSplit(m, { by: "item" });
  const { train, test } = base;
  if (train.nRows !== m.nRows || train.nCols !== m.nCols) {
    throw new RangeError(`base split is ${train.nRows}×${train.nCols}, the matrix ${m.nRows}×${m.nCols}`);
  }

  const pool = evaluatedUsers(base).filter((u) => rowLength(test, u) > 0);
  new Random(seed).shuffle(pool);
  const cold = pool.slice(0, Math.round(fraction * pool.length)).sort();

  const trainMask = new Uint8Array(train.indices.length).fill(1);
  const testMask = new Uint8Array(test.indices.length);
  const kept = new Int32Array(n);
  for (const u of cold) {
    for (let e = train.indptr[u]; e < train.indptr[u + 1]; e++) trainMask[e] = 0;
    const count = selectByTime(train, u, n, false, kept);
    for (let i = 0; i < count; i++) trainMask[kept[i]] = 1;
    for (let e = test.indptr[u]; e < test.indptr[u + 1]; e++) testMask[e] = 1;
  }
  return {
    name: `cold-user-${n}-${fraction}-seed${seed}(${base.name})`,
    train: selectEntries(train, trainMask, 1),
    test: selectEntries(test, testMask, 1),
    evalUsers: cold,
    candidateItems: base.candidateItems,
  };
}
