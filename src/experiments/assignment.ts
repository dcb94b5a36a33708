/** The two arms of a canary experiment. */
export type Variant = "champion" | "canary";

/**
 * FNV-1a (Fowler–Noll–Vo), 32 bits, over the UTF-16 code units of a string, followed by
 * MurmurHash3's fmix32 finaliser: FNV alone leaves similar ids ("u1", "u2") with correlated low
 * bits, and the finaliser spreads every input bit over the output. Pure integer arithmetic, so
 * every process on every platform computes the same value.
 */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** A user's bucket in an experiment: the hash of `experimentId:userId` in basis points, [0, 10000). */
export function assignmentBucket(userId: string, experimentId: string): number {
  return hash32(`${experimentId}:${userId}`) % 10_000;
}

/**
 * A user's sticky variant: canary when the bucket is below the canary percentage in basis points
 * (percent × 100, so 2.5% works). Every replica computes the same answer with no shared state;
 * raising the percentage only adds users to the canary; a new experiment id reshuffles them.
 */
export function variantOf(userId: string, experimentId: string, percent: number): Variant {
  return assignmentBucket(userId, experimentId) < Math.round(percent * 100) ? "canary" : "champion";
}
