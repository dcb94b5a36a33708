/**
 * The diagnosis tables of `npm run bench:serve`: where a saturated server's CPU goes (stage
 * timings and a sampling profile), and how much of the latency tail lines up with major GC.
 */
import type { BenchRow } from "../report.js";
import type { CpuProfileSummary } from "./cpu-profile.js";
import { fmt, med } from "./round-stats.js";
import type { RoundResult } from "./rounds.js";
import type { ServeBenchResult } from "./serve-report.js";
import type { PauseStats } from "./serving-probe.js";

/**
 * Where a saturated server's CPU goes, per request answered: the synchronous stages (their
 * summed time over the phase; cached answers run none) against the process's CPU time. The
 * feature fetch is mostly waiting on Redis, so it is not CPU; what is left is HTTP, routing,
 * validation, the Redis client, the result cache, metrics and serialisation.
 */
export function cpuRows(result: ServeBenchResult): BenchRow[] {
  const perRequest = (r: RoundResult, stage: "filters" | "retrieval") =>
    (r.palateProbe.stages[stage].mean * r.palateProbe.stages[stage].count * 1000) / r.palateProbe.requests;
  const total = (r: RoundResult) =>
    (r.palateProbe.cpuCores * 1e6 * r.palateProbe.seconds) / r.palateProbe.requests;
  const rows: [string, (r: RoundResult) => number][] = [
    ["server CPU per request", total],
    ["  retrieval (ANN search, filters, reasons)", (r) => perRequest(r, "retrieval")],
    ["  filters (seen set, user query)", (r) => perRequest(r, "filters")],
    ["  serialisation (route schema, timed apart)", () => result.serialize.schema.mean * 1000],
    [
      "  the rest: HTTP, validation, Redis client, caches, metrics",
      (r) =>
        total(r) -
        perRequest(r, "retrieval") -
        perRequest(r, "filters") -
        result.serialize.schema.mean * 1000,
    ],
  ];
  const bare = (r: RoundResult) => (r.bareServerCores * 1e6) / r.bare.requestsPerSecond;
  return [
    ...rows.map(([part, pick]) => ({
      part,
      "µs / request": med(result.rounds, pick),
      share: `${((100 * med(result.rounds, pick)) / med(result.rounds, total)).toFixed(0)}%`,
    })),
    {
      part: "for reference: the bare route's server CPU per request",
      "µs / request": med(result.rounds, bare),
    },
  ];
}

/** The CPU profile's areas, then its hottest functions, as shares of the busy samples. */
export function profileRows(profile: CpuProfileSummary): BenchRow[] {
  const pct = (share: number) => `${(100 * share).toFixed(1)}%`;
  return [
    ...profile.areas.map(({ area, share }) => ({
      "area or function": area,
      "share of busy CPU": pct(share),
    })),
    ...profile.functions
      .slice(0, 8)
      .map(({ fn, share }) => ({ "area or function": `  fn: ${fn}`, "share of busy CPU": pct(share) })),
  ];
}

/** Count, total and longest pause of a kind of collection (medians of rounds). */
export function gcRow(rounds: RoundResult[], pick: (r: RoundResult) => PauseStats): string {
  return `${med(rounds, (r) => pick(r).count)}, ${fmt(med(rounds, (r) => pick(r).totalMs))}, ${fmt(med(rounds, (r) => pick(r).maxMs))}`;
}

/**
 * How much of the open-loop tail lines up with garbage collection in the server: the share of
 * requests over 10 ms scheduled during a long pause or within 50 ms after it (the queue it built
 * drains then), counting for a mark-compact also the 100 ms before its pause (incremental
 * marking runs in steps first); beside the share of the run those windows cover, which is what
 * chance alone would give.
 */
export function slowNearGc(rounds: RoundResult[]): string {
  let slow = 0;
  let near = 0;
  let covered = 0;
  let span = 0;
  for (const r of rounds) {
    const windows = r.openLoopProbe.gc.long.map((p) => [
      p.startAt - (p.major ? 100 : 0),
      p.startAt + p.ms + 50,
    ]);
    for (const t of r.openLoop.slowAt) {
      slow++;
      if (windows.some(([from, to]) => t >= from && t <= to)) near++;
    }
    for (const [from, to] of windows) covered += to - from;
    span += r.openLoopProbe.seconds * 1000;
  }
  if (slow === 0) return "no request over 10 ms";
  return `${((100 * near) / slow).toFixed(0)}% of ${slow} (the windows cover ${((100 * covered) / span).toFixed(1)}% of the run)`;
}
