import type { FeatureStore, UserFeatures } from "../storage/features/feature-store.js";
import type { Clock } from "./ttl-lru-cache.js";

/** Options of the guard around feature-store reads. */
export interface GuardOptions {
  /** A read slower than this counts as failed (the request moves on to a fallback). */
  timeoutMs: number;
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit skips the store before one trial call. */
  cooldownMs: number;
}

/** Defaults: a 20 ms read budget inside the 50 ms request deadline. */
export const GUARD_DEFAULTS: GuardOptions = { timeoutMs: 20, failureThreshold: 5, cooldownMs: 1000 };

/** Why a guarded read gave no answer. */
export type GuardFailure = "timeout" | "error" | "circuit-open";

/** Hooks for metrics: called once per read with its outcome and duration. */
export type ReadObserver = (outcome: "ok" | GuardFailure, seconds: number) => void;

/**
 * Feature-store reads with a timeout and a circuit breaker (closed → open after N consecutive
 * failures → one trial after a cooldown), so a slow or dead Redis costs a request at most the
 * timeout, and costs nothing at all while the circuit is open.
 */
export class GuardedFeatureStore {
  readonly store: FeatureStore;
  private readonly options: GuardOptions;
  private readonly now: Clock;
  private failures = 0;
  private openUntil = 0;
  private readonly observe: ReadObserver;

  constructor(
    store: FeatureStore,
    options: Partial<GuardOptions> = {},
    clock: Clock = Date.now,
    observe?: ReadObserver,
  ) {
    this.store = store;
    this.options = { ...GUARD_DEFAULTS, ...options };
    this.now = clock;
    this.observe = observe ?? (() => {});
  }

  /** Whether reads are currently skipped. */
  get circuitOpen(): boolean {
    return this.failures >= this.options.failureThreshold && this.now() < this.openUntil;
  }

  /**
   * The user's features, or the reason there are none; never rejects. `budgetMs` is what is left
   * of the request's deadline: the read gets the guard's timeout within it, and all of it only
   * when the timeout fired a whole timeout late (this process was blocked, see below).
   */
  getUser(userId: string, modelVersion: string, budgetMs?: number): Promise<UserFeatures | GuardFailure> {
    if (this.circuitOpen) {
      this.observe("circuit-open", 0);
      return Promise.resolve("circuit-open");
    }
    const started = performance.now();
    const deadlineMs = budgetMs ?? this.options.timeoutMs;
    const timeoutMs = Math.max(1, Math.min(this.options.timeoutMs, deadlineMs));
    // One promise settled by whichever comes first, the read or the timer (this runs on every
    // request: Promise.race and an async wrapper cost a promise and a microtask hop each).
    return new Promise((resolve) => {
      let settled = false;
      let extended = false;
      const finish = (result: UserFeatures | GuardFailure) => {
        if (settled) return;
        const ms = performance.now() - started;
        // A timer that fired a whole budget late says this process's loop was blocked (a long
        // turn, a collection), not that the store is slow: the read itself may have left late
        // (reads are written at the turn's check phase) and its reply be a moment away.
        const ownLag = result === "timeout" && ms >= 2 * timeoutMs;
        // Such a read gets the rest of the request's deadline, once, rather than sending a user
        // who has a pushed list to a fallback for this process's own delay. (It only helps if
        // the store's client does not fail the read first: see featureStoreCommandTimeoutMs.)
        if (ownLag && !extended && deadlineMs - ms >= 1) {
          extended = true;
          timer = setTimeout(() => setImmediate(finish, "timeout"), deadlineMs - ms);
          return;
        }
        settled = true;
        clearTimeout(timer);
        // A late timeout still falls back, but the breaker does not count it: counting it let
        // one hiccup open the circuit, and the fallback answers (an index search each) then
        // kept the loop saturated for seconds.
        resolve(this.record(result, ms / 1000, !ownLag));
      };
      // The timer settles at the check phase, after the loop's poll phase: when a long turn
      // delayed both, a reply that had arrived in time is read first instead of losing to a
      // timer that only fired first because timers run before I/O. (Under saturation such
      // spurious timeouts sent requests to the costlier fallback and opened the circuit.)
      let timer = setTimeout(() => setImmediate(finish, "timeout"), timeoutMs);
      try {
        this.store.getUser(userId, modelVersion).then(finish, () => finish("error"));
      } catch {
        finish("error"); // a store that throws instead of rejecting still never fails the request
      }
    });
  }

  /** Updates the breaker with a read's outcome (unless told not to count it) and reports it; returns the outcome. */
  private record(
    result: UserFeatures | GuardFailure,
    seconds: number,
    counts = true,
  ): UserFeatures | GuardFailure {
    if (typeof result === "string") {
      if (!counts) {
        this.observe(result, seconds);
        return result;
      }
      this.failures++;
      if (this.failures >= this.options.failureThreshold)
        this.openUntil = this.now() + this.options.cooldownMs;
      this.observe(result, seconds);
      return result;
    }
    this.failures = 0;
    this.observe("ok", seconds);
    return result;
  }
}
