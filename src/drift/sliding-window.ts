import type { Clock } from "../core/clock.js";
import { Random } from "../math/random.js";

/** The shape of a sliding window: its length and how many buckets it rotates through. */
export interface WindowShape {
  windowMs: number;
  buckets: number;
}

/**
 * A ring of time buckets covering the last `windowMs` (time read from an injected clock): a
 * bucket older than the window is recycled when its slot comes round again, so memory is
 * `buckets` × one bucket whatever the traffic, and the window slides in steps of one bucket.
 */
class BucketRing<T> {
  private readonly bucketMs: number;
  private readonly ids: number[];
  private readonly slots: T[];

  constructor(
    private readonly shape: WindowShape,
    private readonly clock: Clock,
    private readonly fresh: () => T,
  ) {
    this.bucketMs = shape.windowMs / shape.buckets;
    this.ids = new Array(shape.buckets).fill(Number.NEGATIVE_INFINITY);
    this.slots = Array.from({ length: shape.buckets }, fresh);
  }

  /** The current bucket, emptied first when it last held an older period. */
  current(): T {
    const id = Math.floor(this.clock() / this.bucketMs);
    const slot = ((id % this.shape.buckets) + this.shape.buckets) % this.shape.buckets;
    if (this.ids[slot] !== id) {
      this.ids[slot] = id;
      this.slots[slot] = this.fresh();
    }
    return this.slots[slot];
  }

  /** The buckets still inside the window. */
  live(): T[] {
    const now = Math.floor(this.clock() / this.bucketMs);
    return this.slots.filter((_, s) => this.ids[s] > now - this.shape.buckets && this.ids[s] <= now);
  }

  /** Unix ms where the window starts and ends now. */
  span(): { fromMs: number; toMs: number } {
    const toMs = this.clock();
    return { fromMs: (Math.floor(toMs / this.bucketMs) - this.shape.buckets + 1) * this.bucketMs, toMs };
  }
}

/** Counts per bin over a sliding window (the live side of a PSI comparison). */
export class BinnedWindow {
  private readonly ring: BucketRing<Float64Array>;

  constructor(
    readonly bins: number,
    shape: WindowShape,
    clock: Clock,
  ) {
    this.ring = new BucketRing(shape, clock, () => new Float64Array(bins));
  }

  add(bin: number, weight = 1): void {
    if (bin >= 0 && bin < this.bins) this.ring.current()[bin] += weight;
  }

  /** The bucket counting now, to add to directly (one clock read for a whole served list). */
  bucket(): Float64Array {
    return this.ring.current();
  }

  /** The window's counts per bin. */
  counts(): number[] {
    const out = new Array<number>(this.bins).fill(0);
    for (const bucket of this.ring.live()) for (let b = 0; b < this.bins; b++) out[b] += bucket[b];
    return out;
  }

  span(): { fromMs: number; toMs: number } {
    return this.ring.span();
  }
}

interface Reservoir {
  values: number[];
  seen: number;
}

/**
 * A bounded uniform sample of values over a sliding window (the live side of a KS comparison):
 * each bucket keeps a reservoir (Vitter's algorithm R) of at most `perBucket` values, drawn
 * with a seeded generator so a replayed run samples the same values.
 */
export class SampleWindow {
  private readonly ring: BucketRing<Reservoir>;
  private readonly rng: Random;

  constructor(
    private readonly perBucket: number,
    shape: WindowShape,
    clock: Clock,
    seed = 1,
  ) {
    this.ring = new BucketRing(shape, clock, () => ({ values: [], seen: 0 }));
    this.rng = new Random(seed);
  }

  add(value: number): void {
    this.addTo(this.ring.current(), value);
  }

  /** Adds the scores of a served list (one bucket lookup for the list). */
  addScores(items: readonly { score: number }[]): void {
    const r = this.ring.current();
    for (const { score } of items) this.addTo(r, score);
  }

  private addTo(r: Reservoir, value: number): void {
    if (!Number.isFinite(value)) return;
    r.seen++;
    if (r.values.length < this.perBucket) r.values.push(value);
    else {
      const j = this.rng.int(r.seen);
      if (j < this.perBucket) r.values[j] = value;
    }
  }

  /** Values observed in the window (not only those kept). */
  seen(): number {
    return this.ring.live().reduce((s, r) => s + r.seen, 0);
  }

  /** The window's kept values, sorted ascending. */
  sorted(): Float64Array {
    return Float64Array.from(this.ring.live().flatMap((r) => r.values)).sort();
  }
}
