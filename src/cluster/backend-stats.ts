/** Why forwarding to a backend failed. */
export type ProxyErrorKind = "refused" | "reset" | "timeout";

/** One backend's counters as `/proxy/stats` reports them. */
export interface BackendStatsReport {
  url: string;
  /** Forwarding attempts to this backend. */
  attempts: number;
  /** Answers by status class (2xx, 4xx, 5xx …). */
  answers: Record<string, number>;
  errors: Record<ProxyErrorKind, number>;
  /** Skipped by the round robin until its last refused connection is older than the proxy's downForMs. */
  down: boolean;
}

/** The proxy's view of one backend: what it answered, how it failed, whether to skip it now. */
export class BackendStats {
  readonly url: URL;
  private attempts = 0;
  private readonly answers: Record<string, number> = {};
  private readonly errors: Record<ProxyErrorKind, number> = { refused: 0, reset: 0, timeout: 0 };
  private downUntil = 0;

  constructor(url: URL) {
    this.url = url;
  }

  started(): void {
    this.attempts++;
  }

  answered(status: number): void {
    const bucket = `${Math.floor(status / 100)}xx`;
    this.answers[bucket] = (this.answers[bucket] ?? 0) + 1;
    this.downUntil = 0;
  }

  /** Counts a failure; a refused connection also takes the backend out of the rotation for a while. */
  failed(kind: ProxyErrorKind, now: number, downForMs: number): void {
    this.errors[kind]++;
    // Only a refusal says the process is gone: a reset can be one stale keep-alive socket, and a
    // timeout one slow request, on a backend that is otherwise fine.
    if (kind === "refused") this.downUntil = now + downForMs;
  }

  isDown(now: number): boolean {
    return now < this.downUntil;
  }

  report(now: number): BackendStatsReport {
    return {
      url: this.url.origin,
      attempts: this.attempts,
      answers: { ...this.answers },
      errors: { ...this.errors },
      down: this.isDown(now),
    };
  }
}
