/**
 * A token bucket: holds up to `burst` tokens, refills at `perSecond`, and an action costs tokens.
 * The clock is the caller's (milliseconds), so tests drive time by hand and one bucket can be
 * refilled lazily on each use instead of by a timer.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    if (!(perSecond >= 0) || !(burst >= 0)) {
      throw new RangeError(`a token bucket needs a rate and a burst ≥ 0, got ${perSecond} and ${burst}`);
    }
    this.tokens = burst;
    this.at = now;
  }

  /** Takes `cost` tokens if the bucket holds them at time `now`; false (and nothing taken) otherwise. */
  take(now: number, cost = 1): boolean {
    this.refill(now);
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Seconds from `now` until `cost` tokens are there (0 when they already are; Infinity at rate 0). */
  secondsUntil(now: number, cost = 1): number {
    this.refill(now);
    const missing = cost - this.tokens;
    if (missing <= 0) return 0;
    return this.perSecond > 0 ? missing / this.perSecond : Number.POSITIVE_INFINITY;
  }

  private refill(now: number): void {
    // A clock that steps back refills nothing rather than draining the bucket.
    const elapsed = Math.max(0, now - this.at) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.perSecond);
    this.at = Math.max(this.at, now);
  }
}
