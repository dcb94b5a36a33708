/**
 * Stage progress on stderr: a bar with an ETA per stage while it runs (only on a terminal, so
 * logs stay clean), then one line per finished stage with its duration — the per-stage timing.
 */
export class StageProgress {
  private readonly tty = process.stderr.isTTY === true;
  private current = "";
  private started = 0;
  private startDone = 0;

  /** Reports that `stage` has done `done` of `total` steps. */
  update(stage: string, done: number, total: number): void {
    if (!this.tty) return;
    if (stage !== this.current) {
      this.current = stage;
      this.started = performance.now();
      this.startDone = done;
    }
    // The first report only starts the clock: the ETA comes from the steps timed since.
    const elapsed = (performance.now() - this.started) / 1000;
    const timed = done - this.startDone;
    const eta = timed > 0 ? (elapsed / timed) * (total - done) : Number.NaN;
    const width = 24;
    const filled = Math.round((width * done) / Math.max(1, total));
    const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
    process.stderr.write(
      `\r  ${stage} [${bar}] ${done}/${total} ETA ${Number.isFinite(eta) ? eta.toFixed(1) : "?"} s  `,
    );
  }

  /** Reports a finished stage and its duration. */
  finish(stage: string, seconds: number): void {
    if (this.tty) process.stderr.write("\r\x1b[K");
    this.current = "";
    console.error(`  ${stage}: ${seconds.toFixed(2)} s`);
  }
}
