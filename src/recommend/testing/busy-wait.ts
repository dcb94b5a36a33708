/** Holds the event loop for `ms` (a long turn: timers and I/O wait until it ends). */
export function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
}
