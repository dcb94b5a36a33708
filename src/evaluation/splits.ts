/*
 * Splits operate on the deduplicated user × item matrix (duplicates summed, earliest timestamp per
 * entry), not on raw events: a (user, item) pair is then either in train or in test, never both,
 * so no split can leak a held-out interaction into training by construction. Every split returns
 * train and test with the shape of the input, so user and item indices mean the same everywhere.
 */
import { type CsrMatrix, rowLength } from "../core/csr.js";

/** A train/test split of one interaction matrix, with optional restrictions for evaluation. */
export interface Split {
  readonly name: string;
  readonly train: CsrMatrix;
  readonly test: CsrMatrix;
  /** Restrict evaluation to these users (ascending); default: every user with test entries. */
  readonly evalUsers?: Int32Array;
  /** Rank only these items (ascending), as in the cold-item protocol. */
  readonly candidateItems?: Int32Array;
}

/** Sizes of a split, for logs and reports. */
export interface SplitStats {
  name: string;
  users: number;
  items: number;
  trainNnz: number;
  testNnz: number;
  /** Share of the split's entries that are in test. */
  testFraction: number;
  /** Users with at least one test entry. */
  usersWithTest: number;
  /** Users an evaluation will score (evalUsers, or users with test entries). */
  usersEvaluated: number;
  /** Number of candidate items, or null when every item is ranked. */
  candidateItems: number | null;
}

/** The rows of `m` with at least one entry, ascending. */
export function nonEmptyRows(m: CsrMatrix): Int32Array {
  let count = 0;
  for (let r = 0; r < m.nRows; r++) if (m.indptr[r + 1] > m.indptr[r]) count++;
  const out = new Int32Array(count);
  let i = 0;
  for (let r = 0; r < m.nRows; r++) if (m.indptr[r + 1] > m.indptr[r]) out[i++] = r;
  return out;
}

/** The users an evaluation scores: `evalUsers` when given, else every user with test entries. */
export function evaluatedUsers(split: Pick<Split, "test" | "evalUsers">): Int32Array {
  return split.evalUsers ?? nonEmptyRows(split.test);
}

/** Counts of a split: train/test sizes and how many users an evaluation will score. */
export function splitStats(split: Split): SplitStats {
  const trainNnz = split.train.indices.length;
  const testNnz = split.test.indices.length;
  let usersEvaluated = 0;
  for (const u of evaluatedUsers(split)) if (rowLength(split.test, u) > 0) usersEvaluated++;
  return {
    name: split.name,
    users: split.train.nRows,
    items: split.train.nCols,
    trainNnz,
    testNnz,
    testFraction: trainNnz + testNnz === 0 ? 0 : testNnz / (trainNnz + testNnz),
    usersWithTest: nonEmptyRows(split.test).length,
    usersEvaluated,
    candidateItems: split.candidateItems ? split.candidateItems.length : null,
  };
}

/** A one-line summary of a split, e.g. for the CLI's log. */
export function describeSplit(split: Split): string {
  const s = splitStats(split);
  const candidates = s.candidateItems === null ? "" : `, ${s.candidateItems} candidate items`;
  return (
    `${s.name}: ${s.users} users × ${s.items} items, train ${s.trainNnz}, test ${s.testNnz} ` +
    `(${(100 * s.testFraction).toFixed(1)}%), ${s.usersEvaluated} users evaluated${candidates}`
  );
}

/** Throws a RangeError unless `value` is in (0, 1], or in [0, 1] when `allowZero`. */
export function checkFraction(name: string, value: number, allowZero = false): void {
  if (!(value <= 1 && (allowZero ? value >= 0 : value > 0))) {
    throw new RangeError(`${name} must be in ${allowZero ? "[" : "("}0, 1], got ${value}`);
  }
}
