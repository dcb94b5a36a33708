/** The tables of `npm run bench:serve`: the bars, the cost of a request, resources, rounds. */
import { cpus, loadavg } from "node:os";
import { type BenchRow, median } from "../report.js";
import type { CpuProfileSummary } from "./cpu-profile.js";
import type { ServeBenchOptions } from "./options.js";
import type { PreparedModel } from "./prepare-model.js";
import type { PushReport } from "./push-vectors.js";
import type { RoundResult } from "./rounds.js";
import type { SerializeCost } from "./serialize-cost.js";
import type { ServerStarted } from "./server-process.js";
import type { PauseStats } from "./serving-probe.js";

/** Everything one benchmark run measured. */
export interface ServeBenchResult {
  options: ServeBenchOptions;
  prepared: PreparedModel;
  push: PushReport;
  started: ServerStarted;
  userMix: { description: string; distinctShare: number };
  rounds: RoundResult[];
  serialize: SerializeCost;
  /** Bytes of the typical Palate body and of the bare route's body. */
  bodyBytes: { palate: number; bare: number };
  /** Machine state before the benchmark started its own load. */
  machine: { cores: number; loadAverage: number[]; busyCoresBefore: number };
}

/** The state of the machine now, with a measured quiet reading. */
export function machineState(busyCoresBefore: number): ServeBenchResult["machine"] {
  return { cores: cpus().length, loadAverage: loadavg(), busyCoresBefore };
}

const MB = 1024 * 1024;
const med = (rounds: RoundResult[], pick: (r: RoundResult) => number) => median(rounds.map(pick));
const verdict = (ok: boolean) => (ok ? "pass" : "FAIL");

/** The bars: measured value (median of rounds), the bar, pass or fail. */
export function barRows(result: ServeBenchResult): BenchRow[] {
  const { rounds, options } = result;
  const p99 = med(rounds, (r) => r.openLoop.latency.p99);
  const p999 = med(rounds, (r) => r.openLoop.latency.p999);
  const ratio = med(rounds, (r) => r.palate.requestsPerSecond / r.bare.requestsPerSecond);
  const rate = `${options.rate.toLocaleString("en-US")} req/s`;
  return [
    {
      measure: `p99 at ${rate} offered, open loop (ms)`,
      value: p99,
      bar: "≤ 10",
      result: verdict(p99 <= 10),
    },
    {
      measure: `p99.9 at ${rate} offered, open loop (ms)`,
      value: p999,
      bar: "≤ 25",
      result: verdict(p999 <= 25),
    },
    {
      measure: "saturated throughput, Palate ÷ bare route",
      value: ratio,
      bar: "≥ 0.25 (aim 0.5)",
      result: verdict(ratio >= 0.25) + (ratio >= 0.5 ? " (aim met)" : ""),
    },
    {
      measure: "  Palate GET /v1/recommendations (req/s)",
      value: med(rounds, (r) => r.palate.requestsPerSecond),
    },
    {
      measure: `  bare Fastify route, ${result.bodyBytes.bare}-byte body (req/s)`,
      value: med(rounds, (r) => r.bare.requestsPerSecond),
    },
    { measure: "  open loop: achieved rate (req/s)", value: med(rounds, (r) => r.openLoop.achievedRate) },
    { measure: "  open loop: p50 (ms)", value: med(rounds, (r) => r.openLoop.latency.p50) },
    {
      measure: "  failed + non-2xx (open loop / saturated)",
      value: `${rounds.reduce((a, r) => a + r.openLoop.failed + r.openLoop.non2xx, 0)} / ${rounds.reduce(
        (a, r) => a + r.palate.errors + r.palate.non2xx,
        0,
      )}`,
    },
  ].map((row) => ({ bar: "-", result: "-", ...row }));
}

/** Where one request's time goes: the service's stage timings (uncached requests) and serialisation. */
export function costRows(result: ServeBenchResult): BenchRow[] {
  const { rounds, serialize } = result;
  type Stage = "features" | "filters" | "retrieval" | "total";
  const stage = (name: string, key: Stage): BenchRow => ({
    stage: name,
    "p50 ms": med(rounds, (r) => r.openLoopProbe.stages[key].p50),
    "p99 ms": med(rounds, (r) => r.openLoopProbe.stages[key].p99),
    "saturated p50": med(rounds, (r) => r.palateProbe.stages[key].p50),
    "saturated p99": med(rounds, (r) => r.palateProbe.stages[key].p99),
  });
  return [
    stage("feature fetch (Redis, guarded)", "features"),
    stage("filters (seen set, user query)", "filters"),
    stage("retrieval (ANN, filters, reasons)", "retrieval"),
    {
      stage: `serialisation (route schema, ${serialize.bytes} B)`,
      "p50 ms": serialize.schema.p50,
      "p99 ms": serialize.schema.p99,
    },
    {
      stage: "  JSON.stringify, same body",
      "p50 ms": serialize.jsonStringify.p50,
      "p99 ms": serialize.jsonStringify.p99,
    },
    stage("recommend() total (3 stages)", "total"),
    {
      stage: "server: Fastify elapsed, all requests",
      "p50 ms": med(rounds, (r) => r.openLoopProbe.serverElapsed.p50),
      "p99 ms": med(rounds, (r) => r.openLoopProbe.serverElapsed.p99),
      "saturated p50": med(rounds, (r) => r.palateProbe.serverElapsed.p50),
      "saturated p99": med(rounds, (r) => r.palateProbe.serverElapsed.p99),
    },
    {
      stage: "client latency (open loop / autocannon)",
      "p50 ms": med(rounds, (r) => r.openLoop.latency.p50),
      "p99 ms": med(rounds, (r) => r.openLoop.latency.p99),
      "saturated p50": med(rounds, (r) => r.palate.latencyP50),
      "saturated p99": med(rounds, (r) => r.palate.latencyP99),
    },
  ];
}

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

/** Resources and context: memory, start-up, the push, the load mix, the machine. */
export function resourceRows(result: ServeBenchResult): BenchRow[] {
  const { rounds, push, started, prepared, machine } = result;
  const rss = Math.max(
    started.rssBytes,
    ...rounds.map((r) => Math.max(r.openLoopProbe.rssBytes, r.palateProbe.rssBytes)),
  );
  const hitShare = med(rounds, (r) => r.openLoopProbe.cached / Math.max(1, r.openLoopProbe.requests));
  const sources = rounds[rounds.length - 1]?.openLoopProbe.sources ?? {};
  const total = Object.values(sources).reduce((a, b) => a + b, 0);
  const mix = Object.entries(sources)
    .sort((a, b) => b[1] - a[1])
    .map(([s, n]) => `${s} ${((100 * n) / total).toFixed(1)}%`)
    .join(", ");
  const rows: [string, string | number][] = [
    ["catalogue items × vector dims", `${started.items.toLocaleString("en-US")} × ${started.dims}`],
    ["users with pushed vectors", push.users],
    ["training", prepared.training],
    ["serving index", started.index.kind + (started.index.error ? ` (${started.index.error})` : "")],
    ["model load, createServing (s)", started.loadSeconds],
    ["ANN build in the background (s)", started.index.annBuildSeconds ?? "-"],
    ["server RSS after start, ANN ready (MB)", started.rssBytes / MB],
    ["server RSS, peak seen under load (MB)", rss / MB],
    ["push duration (s)", push.seconds],
    ["push rate (vectors/s)", Math.round(push.users / push.seconds)],
    [
      "Redis used_memory before / after push (MB)",
      `${(push.memoryBefore / MB).toFixed(1)} / ${(push.memoryAfter / MB).toFixed(1)}`,
    ],
    ["Redis memory of the vectors (MB)", (push.memoryAfter - push.memoryBefore) / MB],
    ["  per vector incl. key (bytes)", Math.round((push.memoryAfter - push.memoryBefore) / push.users)],
    [
      "request users",
      `${result.userMix.description}; ${(100 * result.userMix.distinctShare).toFixed(1)}% distinct`,
    ],
    ["sources at the offered rate (last round)", mix],
    ["result-cache hits at the offered rate", `${(100 * hitShare).toFixed(1)}%`],
    [
      "server CPU, offered rate / saturated (cores)",
      `${fmt(med(rounds, (r) => r.openLoopProbe.cpuCores))} / ${fmt(med(rounds, (r) => r.palateProbe.cpuCores))}`,
    ],
    [
      "GC at the offered rate: scavenges (count, total ms, max ms)",
      gcRow(rounds, (r) => r.openLoopProbe.gc.minor),
    ],
    [
      "GC at the offered rate: mark-compacts (count, total ms, max ms)",
      gcRow(rounds, (r) => r.openLoopProbe.gc.major),
    ],
    ["requests > 10 ms near a mark-compact (−100 … +50 ms of its end)", slowNearMajorGc(rounds)],
    [
      "event-loop delay at the offered rate: p99 / max (ms)",
      `${fmt(med(rounds, (r) => r.openLoopProbe.eventLoopDelay.p99))} / ${fmt(med(rounds, (r) => r.openLoopProbe.eventLoopDelay.max))}`,
    ],
    [
      "open-loop generator: send lag p50 / p99 (ms), CPU (cores)",
      `${fmt(med(rounds, (r) => r.openLoop.sendLag.p50))} / ${fmt(med(rounds, (r) => r.openLoop.sendLag.p99))}, ${fmt(med(rounds, (r) => r.openLoop.generatorCpuCores))}`,
    ],
    [
      "autocannon CPU, Palate / bare (cores)",
      `${fmt(med(rounds, (r) => r.palate.generatorCpuCores))} / ${fmt(med(rounds, (r) => r.bare.generatorCpuCores))}`,
    ],
    [
      "machine: cores, load average (1/5/15 min) at start",
      `${machine.cores}, ${machine.loadAverage.map((l) => l.toFixed(2)).join(" / ")}`,
    ],
    ["machine busy cores: before start (others)", machine.busyCoresBefore],
    [
      "machine busy cores: open loop / Palate sat. / bare sat. (all)",
      `${fmt(med(rounds, (r) => r.machineCores.openLoop))} / ${fmt(med(rounds, (r) => r.machineCores.palate))} / ${fmt(med(rounds, (r) => r.machineCores.bare))}`,
    ],
  ];
  for (const [stage, seconds] of Object.entries(prepared.seconds)) rows.push([`data: ${stage} (s)`, seconds]);
  return rows.map(([what, value]) => ({ what, value }));
}

/** One row per round, to show the spread behind the medians. */
export function roundRows(rounds: RoundResult[]): BenchRow[] {
  return rounds.map((r, i) => ({
    round: i + 1,
    "p50 ms": r.openLoop.latency.p50,
    "p99 ms": r.openLoop.latency.p99,
    "p99.9 ms": r.openLoop.latency.p999,
    "max ms": r.openLoop.latency.max,
    "achieved req/s": r.openLoop.achievedRate,
    "Palate req/s": r.palate.requestsPerSecond,
    "bare req/s": r.bare.requestsPerSecond,
    ratio: r.palate.requestsPerSecond / r.bare.requestsPerSecond,
    "busy cores (open loop)": r.machineCores.openLoop,
  }));
}

function gcRow(rounds: RoundResult[], pick: (r: RoundResult) => PauseStats): string {
  return `${med(rounds, (r) => pick(r).count)}, ${fmt(med(rounds, (r) => pick(r).totalMs))}, ${fmt(med(rounds, (r) => pick(r).maxMs))}`;
}

/**
 * How much of the open-loop tail lines up with major collections in the server: the share of
 * requests over 10 ms scheduled from 100 ms before to 50 ms after a mark-compact ended (marking
 * runs in steps for tens of milliseconds before the final pause, and the queue drains after it),
 * beside the share of the run those windows cover (what chance alone would give).
 */
export function slowNearMajorGc(rounds: RoundResult[]): string {
  let slow = 0;
  let near = 0;
  let covered = 0;
  let span = 0;
  for (const r of rounds) {
    const ends = r.openLoopProbe.gc.majorEndsAt;
    for (const t of r.openLoop.slowAt) {
      slow++;
      if (ends.some((e) => t >= e - 100 && t <= e + 50)) near++;
    }
    covered += ends.length * 150;
    span += r.openLoopProbe.seconds * 1000;
  }
  if (slow === 0) return "no request over 10 ms";
  return `${((100 * near) / slow).toFixed(0)}% of ${slow} (the windows cover ${((100 * covered) / span).toFixed(1)}% of the run)`;
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(3);
}
