/**
 * The measured part of the benchmark: rounds of (open loop at the offered rate, Palate saturated,
 * the bare route saturated), so the throughput ratio compares runs minutes apart on the same
 * machine, and every round reports how busy the machine was.
 */
import type { ChildRpc } from "./child-rpc.js";
import type { CpuProfileSummary } from "./cpu-profile.js";
import { busyCores, cpuTicks, stealCores } from "./machine-load.js";
import type { OpenLoopReport, OpenLoopRun } from "./open-loop.js";
import type { ServeBenchOptions } from "./options.js";
import { takeRedisLatency } from "./push-vectors.js";
import { type RedisCost, readRedisCounters, redisCostBetween } from "./redis-cost.js";
import type { SaturateReport, SaturateRun } from "./saturate.js";
import type { ProbeReport } from "./serving-probe.js";

/** The request paths of each phase, drawn beforehand (distinct draws, so caches warm naturally). */
export interface PhasePaths {
  warmUp: string[];
  rounds: { openLoop: string[]; saturate: string[] }[];
  /** The profiled saturation run after the rounds. */
  profile: string[];
}

/** The processes a round drives. */
export interface RoundProcesses {
  server: ChildRpc;
  serverUrl: string;
  bareUrl: string;
  bare: ChildRpc;
  openLoop: ChildRpc;
  saturator: ChildRpc;
  /** The feature store, whose latency monitor is read after each phase. */
  redisUrl: string;
}

/** One round's measurements. */
export interface RoundResult {
  openLoop: OpenLoopReport;
  openLoopProbe: ProbeReport;
  palate: SaturateReport;
  palateProbe: ProbeReport;
  bare: SaturateReport;
  /** CPU cores the bare server used while saturated (its own process only). */
  bareServerCores: number;
  /** Redis's slowest internal event by kind during each phase (ms; empty when none reached the threshold). */
  redisLatency: { openLoop: Record<string, number>; palate: Record<string, number> };
  /** Redis's CPU and busiest commands per request while Palate was saturated. */
  redisCost: RedisCost;
  /** Cores busy machine-wide (every process, ours included) during each phase. */
  machineCores: { openLoop: number; palate: number; bare: number };
  /** Of those, cores' worth of time the host gave to other guests (steal) during each phase. */
  stealCores: { openLoop: number; palate: number; bare: number };
}

const log = (message: string) => console.error(`[bench:serve] ${message}`);

/** Runs `phase` and reports the machine-wide busy cores while it ran. */
async function measured<T>(phase: () => Promise<T>): Promise<{ result: T; cores: number; steal: number }> {
  const from = cpuTicks();
  const result = await phase();
  const to = cpuTicks();
  return { result, cores: busyCores(from, to), steal: stealCores(from, to) };
}

/** Open-loop load, discarded: JIT, connections, Redis and the result cache reach a steady state. */
export async function warmUp(p: RoundProcesses, o: ServeBenchOptions, paths: string[]): Promise<void> {
  const run: OpenLoopRun = {
    url: p.serverUrl,
    paths,
    rate: o.rate,
    durationSeconds: paths.length / o.rate,
    warmupSeconds: 0,
    pool: o.pool,
  };
  await p.openLoop.call<OpenLoopReport>("run", run);
}

/** Runs the configured rounds. */
export async function runRounds(
  p: RoundProcesses,
  o: ServeBenchOptions,
  paths: PhasePaths,
): Promise<RoundResult[]> {
  const results: RoundResult[] = [];
  for (const [r, phase] of paths.rounds.entries()) {
    log(`round ${r + 1}/${paths.rounds.length}: open loop at ${o.rate} req/s for ${o.duration} s …`);
    await p.server.call("reset");
    await takeRedisLatency(p.redisUrl);
    const openRun: OpenLoopRun = {
      url: p.serverUrl,
      paths: phase.openLoop,
      rate: o.rate,
      durationSeconds: o.duration,
      warmupSeconds: o.warmup,
      pool: o.pool,
    };
    const open = await measured(() => p.openLoop.call<OpenLoopReport>("run", openRun));
    const openLoopProbe = await p.server.call<ProbeReport>("report");
    const openLoopRedis = await takeRedisLatency(p.redisUrl);

    const saturate = (url: string): SaturateRun => ({
      url,
      paths: phase.saturate,
      connections: o.connections,
      durationSeconds: o.saturate,
      warmupSeconds: o.saturateWarmup,
    });
    log(`round ${r + 1}: saturating Palate (${o.connections} connections, ${o.saturate} s) …`);
    // The probe's phase starts with autocannon's warm-up; its stage figures include it.
    await p.server.call("reset");
    const redisBefore = await readRedisCounters(p.redisUrl);
    const palate = await measured(() => p.saturator.call<SaturateReport>("run", saturate(p.serverUrl)));
    const palateProbe = await p.server.call<ProbeReport>("report");
    const redisCost = redisCostBetween(
      redisBefore,
      await readRedisCounters(p.redisUrl),
      palateProbe.requests,
    );
    const palateRedis = await takeRedisLatency(p.redisUrl);
    log(`round ${r + 1}: saturating the bare route …`);
    const bareCpuBefore = await p.bare.call<number>("cpuSeconds");
    const bare = await measured(() => p.saturator.call<SaturateReport>("run", saturate(p.bareUrl)));
    const bareCpu = (await p.bare.call<number>("cpuSeconds")) - bareCpuBefore;
    log(
      `round ${r + 1}: p99 ${open.result.latency.p99.toFixed(2)} ms, p99.9 ${open.result.latency.p999.toFixed(2)} ms; ` +
        `${palate.result.requestsPerSecond.toFixed(0)} vs ${bare.result.requestsPerSecond.toFixed(0)} req/s`,
    );
    results.push({
      openLoop: open.result,
      openLoopProbe,
      palate: palate.result,
      palateProbe,
      bare: bare.result,
      // autocannon's warm-up runs first: charge the CPU to all the requests of both runs.
      bareServerCores: bareCpu / (o.saturate + o.saturateWarmup),
      redisLatency: { openLoop: openLoopRedis, palate: palateRedis },
      redisCost,
      machineCores: { openLoop: open.cores, palate: palate.cores, bare: bare.cores },
      stealCores: { openLoop: open.steal, palate: palate.steal, bare: bare.steal },
    });
  }
  return results;
}

/**
 * A saturation run with the server's CPU profiler on, after the measured rounds (the profiler
 * slows the server, so its throughput is not reported): where the saturated core goes.
 */
export async function profiledSaturation(
  p: RoundProcesses,
  o: ServeBenchOptions,
  paths: string[],
): Promise<CpuProfileSummary> {
  log(`profiling the server under saturation (${PROFILE_SECONDS} s) …`);
  await p.server.call("profileStart");
  const run: SaturateRun = {
    url: p.serverUrl,
    paths,
    connections: o.connections,
    durationSeconds: PROFILE_SECONDS,
    warmupSeconds: 0,
  };
  await p.saturator.call<SaturateReport>("run", run);
  return p.server.call<CpuProfileSummary>("profileStop");
}

const PROFILE_SECONDS = 5;
