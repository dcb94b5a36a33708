/**
 * The open-loop load generator (a child process): requests evenly spaced at a fixed rate, each
 * sent at its scheduled time over a pool of keep-alive connections whatever happened to the ones
 * before, and timed from that scheduled time, so a slow server is charged for the queue it
 * builds (no coordinated omission). autocannon's fixed-rate mode sends bursts (field notes).
 */
import { Agent, request } from "node:http";
import { serveRpc } from "./child-rpc.js";
import { type Summary, summarize } from "./percentiles.js";

/** Arguments of one open-loop run. */
export interface OpenLoopRun {
  /** Origin of the server, e.g. http://127.0.0.1:1234. */
  url: string;
  /** Request paths, used in order (and cycled when shorter than the run). */
  paths: string[];
  rate: number;
  durationSeconds: number;
  /** Leading seconds whose requests are sent but not counted. */
  warmupSeconds: number;
  /** Keep-alive sockets in the pool (more requests than this in flight wait for one). */
  pool: number;
  /** Seconds to wait for requests still in flight after the last one was sent. */
  drainSeconds?: number;
}

/** What one run measured, over the requests scheduled after the warm-up. */
export interface OpenLoopReport {
  scheduled: number;
  completed: number;
  /** Requests with a transport error or still unanswered at the end (counted as infinitely slow). */
  failed: number;
  non2xx: number;
  /** Completed requests per second of the measured window. */
  achievedRate: number;
  /** Milliseconds from scheduled time to the response's last byte. */
  latency: Summary;
  /** Milliseconds the generator itself sent late (timer granularity, its own event loop). */
  sendLag: Summary;
  /** CPU seconds of the generator per wall second. */
  generatorCpuCores: number;
  /** Requests slower than 10 ms (the p99 bar) per second of the measured window: steady or bursts? */
  slowPerSecond: number[];
  /** Epoch milliseconds of the scheduled times of those slow requests (to line them up with GC). */
  slowAt: number[];
}

/** The p99 bar: requests above it are counted per second. */
const SLOW_MS = 10;

async function run(options: OpenLoopRun): Promise<OpenLoopReport> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.pool, maxFreeSockets: options.pool });
  const total = Math.floor(options.rate * options.durationSeconds);
  const skip = Math.floor(options.rate * options.warmupSeconds);
  const interval = 1000 / options.rate;
  // NaN marks "never answered"; it becomes Infinity in the summary, the honest latency of a loss.
  const latency = new Float64Array(total).fill(Number.NaN);
  const lag = new Float64Array(total);
  let failed = 0;
  let non2xx = 0;
  let settled = 0;
  const cpuStart = process.cpuUsage();
  const t0 = performance.now() + 50;

  await new Promise<void>((allSettled) => {
    const settle = () => {
      if (++settled === total) allSettled();
    };
    const send = (i: number) => {
      const scheduled = t0 + i * interval;
      lag[i] = performance.now() - scheduled;
      const req = request(
        { host: target.hostname, port: target.port, path: options.paths[i % options.paths.length], agent },
        (res) => {
          if (res.statusCode !== 200 && i >= skip) non2xx++;
          res.on("data", () => {});
          res.on("end", () => {
            latency[i] = performance.now() - scheduled;
            settle();
          });
        },
      );
      req.on("error", () => {
        if (i >= skip) failed++;
        settle();
      });
      req.end();
    };
    let next = 0;
    // Each wake-up sends every request whose time has come; Node's timers are ≥ 1 ms, so a
    // request can leave up to about a millisecond late, and that lateness counts in its latency.
    const tick = () => {
      const now = performance.now();
      while (next < total && t0 + next * interval <= now) send(next++);
      if (next < total) setTimeout(tick, Math.max(0, t0 + next * interval - performance.now()));
      else setTimeout(allSettled, (options.drainSeconds ?? 10) * 1000).unref();
    };
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  agent.destroy();

  const measured = latency.subarray(skip);
  let completed = 0;
  let lastDone = 0;
  for (let i = 0; i < measured.length; i++) {
    if (Number.isNaN(measured[i])) {
      measured[i] = Number.POSITIVE_INFINITY;
    } else {
      completed++;
      lastDone = Math.max(lastDone, (skip + i) * interval + measured[i]);
    }
  }
  const unanswered = measured.length - completed;
  const slowPerSecond = new Array<number>(Math.ceil(measured.length / options.rate)).fill(0);
  const slowAt: number[] = [];
  for (let i = 0; i < measured.length; i++) {
    if (measured[i] <= SLOW_MS) continue;
    slowPerSecond[Math.floor(i / options.rate)]++;
    slowAt.push(performance.timeOrigin + t0 + (skip + i) * interval);
  }
  const window = (lastDone - skip * interval) / 1000;
  return {
    scheduled: measured.length,
    completed,
    failed: Math.max(failed, unanswered),
    non2xx,
    achievedRate: window > 0 ? completed / window : 0,
    latency: summarize(measured),
    sendLag: summarize(lag.subarray(skip)),
    generatorCpuCores: (cpu.user + cpu.system) / 1e6 / wall,
    slowPerSecond,
    slowAt,
  };
}

serveRpc({ run: (payload: OpenLoopRun) => run(payload) });
