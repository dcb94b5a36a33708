/** The two arms of a canary experiment. */
export type Variant = "champion" | "canary";

/** FNV-1a, 32 bits, over the UTF-16 code units of a string: fast, stable, identical everywhere. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // A final avalanche (murmur3's fmix32): FNV alone maps similar ids to correlated low bits.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * A user's sticky variant: a hash of (experiment id, user id) in basis points against the canary
 * percentage. Every replica computes the same answer with no shared state, and a new experiment
 * id reshuffles who is in the canary.
 */
export function variantOf(userId: string, experimentId: string, percent: number): Variant {
  const basisPoints = fnv1a(`${experimentId}:${userId}`) % 10_000;
  return basisPoints < Math.round(percent * 100) ? "canary" : "champion";
}
