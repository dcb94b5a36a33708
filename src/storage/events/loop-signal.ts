/**
 * Wake-ups and progress notices for one background loop: the loop sleeps until a deadline or a
 * `wake()`, and callers wait for a condition that the loop re-checks after every step.
 */
export class LoopSignal {
  private wakeUp: (() => void) | null = null;
  private readonly watchers = new Set<() => void>();

  /** Sleeps `ms` (null = until woken); an unref'd timer does not keep the process alive. */
  sleep(ms: number | null, unref = false): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      if (ms !== null) {
        timer = setTimeout(done, ms);
        if (unref) timer.unref();
      }
      this.wakeUp = done;
    });
  }

  /** Ends the current sleep, if any. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Called by the loop after each step: re-checks every pending `waitUntil`. */
  stepped(): void {
    for (const watch of [...this.watchers]) watch();
  }

  /** Resolves true once `condition` holds (checked now and after each step), false after `timeoutMs`. */
  waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.watchers.delete(watch);
        resolve(result);
      };
      const watch = () => {
        if (condition()) finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.watchers.add(watch);
    });
  }
}
