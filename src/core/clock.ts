import { InputError } from "./errors.js";

/** Unix milliseconds now; injectable so tests and simulations control time (blueprint: "Time"). */
export type Clock = () => number;

/** The real clock. */
export const systemClock: Clock = () => Date.now();

/**
 * A simulated clock shared by separate processes: simulated time started at `simStartMs` when
 * the real clock read `realAnchorMs`, and runs `speed` times faster. Every process given the
 * same three numbers reads the same simulated time, so a server, a controller and a simulator
 * agree on "now" without talking to each other.
 */
export function acceleratedClock(simStartMs: number, realAnchorMs: number, speed: number): Clock {
  return () => simStartMs + (Date.now() - realAnchorMs) * speed;
}

/**
 * Parses a clock spec: `system`, or `sim:START,ANCHOR_MS,SPEED` (START an ISO time or unix ms,
 * ANCHOR_MS the real unix ms at which simulated time was START, SPEED a factor ≥ 1), as passed by
 * `--clock` or the PALATE_CLOCK environment variable.
 */
export function parseClock(spec: string, source = "--clock"): Clock {
  if (spec === "system") return systemClock;
  const match = /^sim:([^,]+),(\d+),(\d+(?:\.\d+)?)$/.exec(spec);
  if (!match) {
    throw new InputError({ source }, `expected 'system' or 'sim:START,ANCHOR_MS,SPEED', got '${spec}'`);
  }
  const start = /^\d+$/.test(match[1]) ? Number(match[1]) : Date.parse(match[1]);
  const speed = Number(match[3]);
  if (!Number.isFinite(start))
    throw new InputError({ source }, `simulated start '${match[1]}' is not a time`);
  if (!(speed >= 1)) throw new InputError({ source }, `speed must be ≥ 1, got ${match[3]}`);
  return acceleratedClock(start, Number(match[2]), speed);
}

/** The spec of an accelerated clock starting now, for handing to child processes. */
export function simClockSpec(simStartMs: number, speed: number, realAnchorMs = Date.now()): string {
  return `sim:${simStartMs},${realAnchorMs},${speed}`;
}
