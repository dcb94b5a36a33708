import { type CsrMatrix, selectEntries } from "../core/csr.js";
import { requireTimestamps, selectByTime } from "./entry-order.js";
import type { Split } from "./splits.js";

/** Options of `leaveLastNSplit`. */
export interface LeaveLastNOptions {
  /** How many of each user's most recent entries are held out. */
  n?: number;
}

/**
 * Holds out each user's n most recent entries (by earliest timestamp, ties to the higher item
 * index); users with n entries or fewer keep everything in train, since an empty training
 * history would turn the split into a cold-start test.
 */
export function leaveLastNSplit(m: CsrMatrix, options: LeaveLastNOptions = {}): Split {
  const { n = 1 } = options;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  requireTimestamps(m, "leaveLastNSplit");
  const mask = new Uint8Array(m.indices.length).fill(1);
  const latest = new Int32Array(n);
  for (let u = 0; u < m.nRows; u++) {
    if (m.indptr[u + 1] - m.indptr[u] <= n) continue;
    const count = selectByTime(m, u, n, true, latest);
    for (let i = 0; i < count; i++) mask[latest[i]] = 0;
  }
  return { name: `leave-last-${n}`, train: selectEntries(m, mask, 1), test: selectEntries(m, mask, 0) };
}
