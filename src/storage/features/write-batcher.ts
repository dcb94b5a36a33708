import type { Writable } from "node:stream";

/**
 * Holds writes to a socket (corked) so several leave in one system call: at saturation a write
 * per feature-store read was the largest single cost of a request (README, "Serving"). A held
 * batch is written once it holds `maxHeld` writes, and in any case at the check phase of the
 * event-loop turn that began it (never a timer). Holding a whole turn's reads instead left Redis
 * idle while the turn ran, then the server idle while Redis answered them all at once.
 */
export class WriteBatcher {
  private held = 0;
  private socket: Writable | null = null;
  private scheduled = false;

  constructor(private readonly maxHeld: number) {}

  /** Call just before writing to `socket`. */
  hold(socket: Writable): void {
    if (this.held === 0) {
      this.socket = socket;
      socket.cork();
      this.schedule();
    }
    this.held++;
  }

  /** Call just after the write: a full batch leaves now. */
  written(): void {
    if (this.held >= this.maxHeld) this.flush();
  }

  /** Writes what is held. */
  flush(): void {
    if (this.held === 0) return;
    this.held = 0;
    this.socket?.uncork();
    this.socket = null;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }
}
