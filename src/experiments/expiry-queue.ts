/**
 * A first-in first-out queue of (key, time) pairs in non-decreasing time, for expiring map entries
 * in O(1) amortised. Deleting from the front of a large `Map` and iterating it again makes V8 skip
 * every deleted slot until the table is rebuilt, which turned expiry quadratic; a queue does not.
 * Entries may go stale (the key was deleted or touched again): the owner checks on the way out.
 */
export class ExpiryQueue {
  private keys: string[] = [];
  private times: number[] = [];
  private head = 0;

  get size(): number {
    return this.keys.length - this.head;
  }

  push(key: string, time: number): void {
    this.keys.push(key);
    this.times.push(time);
  }

  /** Removes the entries with time < horizon, oldest first, handing each to `expired`. */
  popBefore(horizon: number, expired: (key: string, time: number) => void): void {
    while (this.head < this.keys.length && this.times[this.head] < horizon) this.shift(expired);
    this.compact();
  }

  /** Removes the oldest entry, if any, handing it to `expired`. */
  popOldest(expired: (key: string, time: number) => void): void {
    if (this.head < this.keys.length) this.shift(expired);
    this.compact();
  }

  private shift(expired: (key: string, time: number) => void): void {
    const key = this.keys[this.head];
    const time = this.times[this.head];
    this.head++;
    expired(key, time);
  }

  private compact(): void {
    // Drop the consumed prefix once it is most of the arrays: amortised O(1) per entry.
    if (this.head > 1024 && this.head * 2 > this.keys.length) {
      this.keys = this.keys.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
