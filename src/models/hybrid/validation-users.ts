import type { CsrMatrix } from "../../core/csr.js";
import type { User } from "../../core/types.js";
import { Random } from "../../math/random.js";
import {
  BUCKET_NAMES,
  bucketOf,
  type HistoryBuckets,
  NEW_BUCKET,
  type ValidationUser,
} from "./blend-search.js";
import type { UserHistory } from "./hybrid-part.js";

/** A user's history as the parts see it: their row of the training matrix. */
export function historyOf(train: CsrMatrix, userIndex: number, user?: User): UserHistory {
  if (userIndex < 0 || userIndex >= train.nRows) {
    return { userIndex: -1, items: new Int32Array(0), values: new Float32Array(0), user };
  }
  const start = train.indptr[userIndex];
  const end = train.indptr[userIndex + 1];
  return {
    userIndex,
    items: train.indices.subarray(start, end),
    values: train.values.subarray(start, end),
    user,
  };
}

/**
 * Validation users grouped by history bucket: users with held-out items, their history from the
 * carved training matrix, at most `maxPerBucket` per bucket (a seeded sample) to bound the cost.
 */
export function validationUsersByBucket(
  train: CsrMatrix,
  heldOut: CsrMatrix,
  userMeta: readonly (User | undefined)[],
  buckets: HistoryBuckets,
  maxPerBucket: number,
  seed: number,
): ValidationUser[][] {
  const groups: number[][] = BUCKET_NAMES.slice(0, NEW_BUCKET).map(() => []);
  for (let u = 0; u < heldOut.nRows; u++) {
    if (heldOut.indptr[u + 1] === heldOut.indptr[u]) continue;
    groups[bucketOf(train.indptr[u + 1] - train.indptr[u], buckets)].push(u);
  }
  const rng = new Random(seed);
  const relevantOf = (u: number) => heldOut.indices.slice(heldOut.indptr[u], heldOut.indptr[u + 1]);
  const byHistory = groups.map((users) => {
    rng.shuffle(users);
    return users
      .slice(0, maxPerBucket)
      .map((u) => ({ history: historyOf(train, u, userMeta[u]), relevant: relevantOf(u) }));
  });
  // "New" users: validation users of every bucket with their history removed, so the weights
  // for someone known only by declared preferences (and context) are learned, not guessed.
  const everyone = groups.flat();
  rng.shuffle(everyone);
  const fresh = everyone.slice(0, maxPerBucket).map((u) => ({
    history: historyOf(train, -1, userMeta[u]),
    relevant: relevantOf(u),
  }));
  return [...byHistory, fresh];
}

/** A seeded sample of up to `n` users with non-empty histories. */
export function sampleHistories(
  train: CsrMatrix,
  userMeta: readonly (User | undefined)[],
  n: number,
  seed: number,
): UserHistory[] {
  const users: number[] = [];
  for (let u = 0; u < train.nRows; u++) if (train.indptr[u + 1] > train.indptr[u]) users.push(u);
  new Random(seed).shuffle(users);
  return users.slice(0, n).map((u) => historyOf(train, u, userMeta[u]));
}
