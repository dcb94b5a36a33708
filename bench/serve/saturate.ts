/**
 * The saturation load generator (a child process): autocannon's closed loop, as many requests as
 * `connections` keep-alive connections can turn around, for the throughput ceiling of a route.
 */
import autocannon from "autocannon";
import { serveRpc } from "./child-rpc.js";

/** Arguments of one saturation run. */
export interface SaturateRun {
  url: string;
  /** Request paths, cycled: every route under comparison gets the same requests. */
  paths: string[];
  connections: number;
  durationSeconds: number;
  /** Seconds of load before the measured run (JIT, caches, connection setup), discarded. */
  warmupSeconds: number;
}

/** What one saturation run measured. */
export interface SaturateReport {
  requestsPerSecond: number;
  requests: number;
  seconds: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** autocannon's latency percentiles in ms (closed loop: not comparable to open-loop figures). */
  latencyP50: number;
  latencyP99: number;
  bytesPerSecond: number;
  /** CPU seconds of autocannon's process per wall second. */
  generatorCpuCores: number;
}

async function saturate(options: SaturateRun): Promise<SaturateReport> {
  let cursor = 0;
  const attack = (durationSeconds: number) =>
    autocannon({
      url: options.url,
      connections: options.connections,
      duration: durationSeconds,
      requests: [
        {
          method: "GET",
          setupRequest: (req) => ({ ...req, path: options.paths[cursor++ % options.paths.length] }),
        },
      ],
    });
  if (options.warmupSeconds > 0) await attack(options.warmupSeconds);
  const cpuStart = process.cpuUsage();
  const result = await attack(options.durationSeconds);
  const cpu = process.cpuUsage(cpuStart);
  return {
    requestsPerSecond: result.requests.total / result.duration,
    requests: result.requests.total,
    seconds: result.duration,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    bytesPerSecond: result.throughput.average,
    generatorCpuCores: (cpu.user + cpu.system) / 1e6 / result.duration,
  };
}

serveRpc({ run: (payload: SaturateRun) => saturate(payload) });
