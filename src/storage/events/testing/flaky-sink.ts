import type { EventPage, EventSink, LoggedEvent } from "../event-log.js";

/**
 * A real sink behind a switch, for queue tests: `down` makes appends fail before touching the
 * backend, `failAfter` stores that many events of the next append and then fails (a connection
 * lost mid-batch), and `hold` keeps appends waiting until released (a slow sink).
 */
export class FlakySink implements EventSink {
  readonly backend: string;
  down = false;
  failAfter: number | null = null;
  /** Appends attempted and appends that succeeded. */
  attempts = 0;
  successes = 0;
  private held: Promise<void> | null = null;
  private releaseHeld: (() => void) | null = null;

  constructor(readonly inner: EventSink) {
    this.backend = `flaky ${inner.backend}`;
  }

  /** Makes appends wait until `release()`. */
  hold(): void {
    this.held ??= new Promise((resolve) => {
      this.releaseHeld = resolve;
    });
  }

  release(): void {
    this.releaseHeld?.();
    this.held = null;
    this.releaseHeld = null;
  }

  async append(events: readonly LoggedEvent[]): Promise<void> {
    this.attempts++;
    if (this.held) await this.held;
    if (this.down) throw new Error("sink is down (test switch)");
    if (this.failAfter !== null) {
      const k = this.failAfter;
      this.failAfter = null;
      await this.inner.append(events.slice(0, k));
      throw new Error(`sink failed after ${k} events (test switch)`);
    }
    await this.inner.append(events);
    this.successes++;
  }

  read(cursor: string, limit: number): Promise<EventPage> {
    return this.inner.read(cursor, limit);
  }

  count(): Promise<number> {
    return this.inner.count();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
