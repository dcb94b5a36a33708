/** The tables of `npm run bench:serve`: the issue's bars, the cost of a request, resources, rounds. */
import { cpus, loadavg } from "node:os";
import type { BenchRow } from "../report.js";
import { gcRow, slowNearGc } from "./diagnosis-report.js";
import type { ServeBenchOptions } from "./options.js";
import type { PreparedModel } from "./prepare-model.js";
import type { PushReport } from "./push-vectors.js";
import { fmt, med } from "./round-stats.js";
import type { RoundResult } from "./rounds.js";
import type { SerializeCost } from "./serialize-cost.js";
import type { ServerStarted } from "./server-process.js";

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
  /** Redis `used_memory` after all the load: the vectors plus the impressions the server logged. */
  redisMemoryAfterLoad: number;
  /** Machine state before the benchmark started its own load. */
  machine: { cores: number; loadAverage: number[]; busyCoresBefore: number };
}

/** The state of the machine now, with a measured quiet reading. */
export function machineState(busyCoresBefore: number): ServeBenchResult["machine"] {
  return { cores: cpus().length, loadAverage: loadavg(), busyCoresBefore };
}

const MB = 1024 * 1024;
const verdict = (ok: boolean) => (ok ? "pass" : "FAIL");

/** The issue's bars: measured value (median of rounds), the bar, pass or fail. */
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
      // A shared machine: cores busy outside the server and the generator (Redis ≈ 0.05, the
      // rest is other people's work). Above a few tenths the latency figures measure contention.
      measure: "  other busy cores during the open loop",
      value: med(
        rounds,
        (r) => r.machineCores.openLoop - r.openLoopProbe.cpuCores - r.openLoop.generatorCpuCores,
      ),
    },
    {
      measure: "  failed + non-2xx (open loop / saturated)",
      value: `${rounds.reduce((a, r) => a + r.openLoop.failed + r.openLoop.non2xx, 0)} / ${rounds.reduce(
        (a, r) => a + r.palate.errors + r.palate.non2xx,
        0,
      )}`,
    },
  ].map((row) => ({
    measure: row.measure,
    value: row.value,
    bar: row.bar ?? "-",
    result: row.result ?? "-",
  }));
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
    ["candidates pushed per user (0: none, every request searches the index)", push.lists],
    [
      `push duration, incl. the lists' ANN build (s)${push.reusedFrom ? `, an earlier run (${push.reusedFrom})` : ""}`,
      push.seconds,
    ],
    ["  of which the lists' ANN build (s)", push.lists > 0 ? push.listIndexSeconds : "-"],
    ["push rate (users/s)", Math.round(push.users / push.seconds)],
    [
      "Redis used_memory before / after push (MB)",
      `${(push.memoryBefore / MB).toFixed(1)} / ${(push.memoryAfter / MB).toFixed(1)}`,
    ],
    ["Redis memory of the vectors and lists (MB)", (push.memoryAfter - push.memoryBefore) / MB],
    ["  per user incl. keys (bytes)", Math.round((push.memoryAfter - push.memoryBefore) / push.users)],
    ["Redis used_memory after the load, with the impressions logged (MB)", result.redisMemoryAfterLoad / MB],
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
    ["requests > 10 ms in or ≤ 50 ms after a GC pause ≥ 4 ms (or a mark-compact)", slowNearGc(rounds)],
    [
      "event-loop delay at the offered rate: p99 / max (ms)",
      `${fmt(med(rounds, (r) => r.openLoopProbe.eventLoopDelay.p99))} / ${fmt(med(rounds, (r) => r.openLoopProbe.eventLoopDelay.max))}`,
    ],
    [
      "open-loop generator: send lag p50 / p99 (ms), CPU (cores)",
      `${fmt(med(rounds, (r) => r.openLoop.sendLag.p50))} / ${fmt(med(rounds, (r) => r.openLoop.sendLag.p99))}, ${fmt(med(rounds, (r) => r.openLoop.generatorCpuCores))}`,
    ],
    ["Redis CPU per saturated request (µs); busiest commands, µs per request (calls)", redisCostRow(rounds)],
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

/** Redis's CPU per saturated request (median round) and that round's busiest commands. */
function redisCostRow(rounds: RoundResult[]): string {
  const cpu = med(rounds, (r) => r.redisCost.cpuMicrosPerRequest);
  const round = rounds.find((r) => r.redisCost.cpuMicrosPerRequest === cpu) ?? rounds[0];
  const commands = (round?.redisCost.commands ?? [])
    .map((c) => `${c.command} ${fmt(c.microsPerRequest)} (${fmt(c.callsPerRequest)})`)
    .join(", ");
  return `${fmt(cpu)}; ${commands}`;
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
    "> 10 ms": r.openLoop.slowPerSecond.reduce((a, b) => a + b, 0),
    "server loop stall max ms": r.openLoopProbe.eventLoopDelay.max,
    // Behind the saturated phase's fallbacks: reads that timed out, or skipped by an open circuit.
    "sat. reads timeout / circuit-open": [
      r.palateProbe.featureReads?.timeout ?? 0,
      r.palateProbe.featureReads?.["circuit-open"] ?? 0,
    ].join(" / "),
    "Redis CPU µs/sat. req": r.redisCost.cpuMicrosPerRequest,
    // What the machine did besides the server and the generator: Redis, and anyone else.
    "other busy cores": r.machineCores.openLoop - r.openLoopProbe.cpuCores - r.openLoop.generatorCpuCores,
    "host steal cores (open loop / Palate sat. / bare sat.)": [
      r.stealCores.openLoop,
      r.stealCores.palate,
      r.stealCores.bare,
    ]
      .map((c) => c.toFixed(3))
      .join(" / "),
  }));
}
