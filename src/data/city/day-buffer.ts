import { DAY_SECONDS } from "./meal-time.js";

/**
 * One day of events in growable typed arrays, sorted by second with a stable counting sort
 * (O(n), and ties keep generation order so a click never precedes its view). Reused day after
 * day, so generation holds one day in memory whatever the number of days.
 */
export class DayBuffer {
  length = 0;
  user: Int32Array;
  item: Int32Array;
  /** Second of the day, 0–86399. */
  second: Int32Array;
  type: Uint8Array;
  /** After `sort()`: event positions in time order. */
  order: Int32Array;
  private readonly counts = new Int32Array(DAY_SECONDS + 1);

  constructor(initialCapacity = 1 << 16) {
    const n = Math.max(16, initialCapacity);
    this.user = new Int32Array(n);
    this.item = new Int32Array(n);
    this.second = new Int32Array(n);
    this.type = new Uint8Array(n);
    this.order = new Int32Array(n);
  }

  /** Empties the buffer, keeping its memory. */
  clear(): void {
    this.length = 0;
  }

  /** Appends an event. */
  push(user: number, item: number, second: number, type: number): void {
    if (this.length === this.user.length) this.grow();
    const i = this.length++;
    this.user[i] = user;
    this.item[i] = item;
    this.second[i] = second;
    this.type[i] = type;
  }

  /** Fills `order` with event positions sorted by second (stable). */
  sort(): void {
    const counts = this.counts;
    counts.fill(0);
    for (let i = 0; i < this.length; i++) counts[this.second[i] + 1]++;
    for (let s = 0; s < DAY_SECONDS; s++) counts[s + 1] += counts[s];
    for (let i = 0; i < this.length; i++) this.order[counts[this.second[i]]++] = i;
  }

  private grow(): void {
    const n = this.user.length * 2;
    const widen = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.user = widen(this.user, (k) => new Int32Array(k));
    this.item = widen(this.item, (k) => new Int32Array(k));
    this.second = widen(this.second, (k) => new Int32Array(k));
    this.type = widen(this.type, (k) => new Uint8Array(k));
    this.order = new Int32Array(n);
  }
}
