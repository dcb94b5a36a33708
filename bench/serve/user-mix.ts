/**
 * Who asks for recommendations in the benchmark: half the requests come from the user of a random
 * training interaction (active users return often, in proportion to their activity), half from
 * a uniform draw over every user the model knows (the long tail, most of whom come once). So
 * some users repeat, as in production, and most requests still reach the feature store.
 */
import type { CsrMatrix } from "../../src/core/csr.js";
import type { IdDictionary } from "../../src/core/id-dictionary.js";
import { Random } from "../../src/math/random.js";

/** Share of requests drawn in proportion to a user's training interactions. */
const ACTIVITY_SHARE = 0.5;

/** A request sequence and how much it repeats itself. */
export interface UserMix {
  paths: string[];
  /** Distinct users over requests (1 = nobody repeats). */
  distinctShare: number;
  description: string;
}

/** The row of CSR entry `e`: the last row whose start is ≤ e (binary search on indptr). */
function rowOfEntry(indptr: Int32Array, e: number): number {
  let lo = 0;
  let hi = indptr.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (indptr[mid] <= e) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** `count` request paths of GET /v1/recommendations (k = 10) for users drawn from the mix. */
export function userMix(users: IdDictionary, train: CsrMatrix, count: number, seed: number): UserMix {
  const random = new Random(seed);
  const pairs = train.indptr[train.nRows];
  const seen = new Set<number>();
  const paths: string[] = [];
  for (let r = 0; r < count; r++) {
    const u =
      pairs > 0 && random.next() < ACTIVITY_SHARE
        ? rowOfEntry(train.indptr, random.int(pairs))
        : random.int(users.size);
    seen.add(u);
    paths.push(`/v1/recommendations?user_id=${encodeURIComponent(users.idAt(u))}&k=10`);
  }
  return {
    paths,
    distinctShare: seen.size / count,
    description: `${ACTIVITY_SHARE * 100}% by training activity, ${(1 - ACTIVITY_SHARE) * 100}% uniform over ${users.size.toLocaleString("en-US")} users`,
  };
}
