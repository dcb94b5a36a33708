// `npm run bench:cluster`: saturated throughput of GET /v1/recommendations through the local
// cluster's round-robin proxy for N = 1, 2, 3 serving processes (and N = 1 without the proxy),
// with what each request costs Redis, each process's CPU and memory, and Redis's memory per user.
// Everything runs on this machine: autocannon (its own process), the proxy (this process),
// N `palate serve` processes, the controller and redis-server share the cores, so the curve says
// where one machine saturates, not how a real cluster scales (docs/cluster.md has the paper part).
// Flags: --users 10000 --items 1000 --rounds 3 --seconds 8 --warmup 2 --connections 32 --dir D
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { type Cluster, startCluster } from "../src/cluster/cluster.js";
import { generateCity } from "../src/data/city/generate.js";
import { loadDataset } from "../src/data/load-dataset.js";
import { HybridModel } from "../src/models/hybrid/hybrid-model.js";
import { loadModel } from "../src/models/model-kinds.js";
import { trainingDataOf } from "../src/models/training-data.js";
import { type BenchRow, median, printBench } from "./report.js";
import { ChildRpc } from "./serve/child-rpc.js";
import {
  busyCores,
  cpuTicks,
  processCpuSeconds,
  processRssBytes,
  sampleBusyCores,
} from "./serve/machine-load.js";
import { pushVectors, redisUsedMemory } from "./serve/push-vectors.js";
import type { SaturateReport, SaturateRun } from "./serve/saturate.js";
import { userMix } from "./serve/user-mix.js";

const { values: flags } = parseArgs({
  options: {
    users: { type: "string", default: "10000" },
    items: { type: "string", default: "1000" },
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "8" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "32" },
    replicas: { type: "string", default: "1,2,3" },
    dir: { type: "string", default: ".palate/bench-cluster" },
  },
});
const log = (message: string) => console.error(`[bench:cluster] ${message}`);
const users = Number(flags.users);
const items = Number(flags.items);
const rounds = Number(flags.rounds);
const seconds = Number(flags.seconds);
const warmupSeconds = Number(flags.warmup);
const connections = Number(flags.connections);
const replicaCounts = flags.replicas.split(",").map(Number);

/** The city and a hybrid trained on it, cached under --dir (the serving path, not quality, is measured). */
async function prepareModel(): Promise<string> {
  const base = join(flags.dir, `${users}x${items}`);
  const modelDir = join(base, "model");
  if (existsSync(join(modelDir, "manifest.json"))) return modelDir;
  log(`generating a city of ${users} users × ${items} restaurants and training a hybrid …`);
  await generateCity({ users, restaurants: items, days: 14, seed: 42 }, join(base, "city"));
  const { dataset } = await loadDataset({ kind: "dataset", name: "city", path: join(base, "city") });
  const model = new HybridModel({
    parts: ["als", "cleora", "content", "popularity"],
    als: { factors: 32, iterations: 5, threads: 0 },
    cleora: { dimensions: 32, threads: 1 },
    validation: { maxUsersPerBucket: 200 },
  });
  await model.fit(trainingDataOf(dataset));
  await model.save(modelDir);
  return modelDir;
}

function cpuSeconds(pid: number | undefined): number {
  return pid ? processCpuSeconds(pid) : Number.NaN;
}

function rssMegabytes(pid: number | undefined): number {
  return pid ? processRssBytes(pid) / 2 ** 20 : Number.NaN;
}

/** Redis's command counters (INFO commandstats): calls by command name. */
async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const match of (await redis.info("commandstats")).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    calls.set(match[1], Number(match[2]));
  }
  return calls;
}

function callsBetween(from: Map<string, number>, to: Map<string, number>): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [name, n] of to) if (n !== (from.get(name) ?? 0)) delta.set(name, n - (from.get(name) ?? 0));
  return delta;
}

const perUnit = (calls: Map<string, number>, unit: number) =>
  Object.fromEntries(
    [...calls].sort((a, b) => b[1] - a[1]).map(([name, n]) => [name, Number((n / unit).toFixed(3))]),
  );

interface Measured {
  label: string;
  replicas: number;
  viaProxy: boolean;
  reports: SaturateReport[];
  proxyCores: number[];
  serverCores: number[];
  redisCores: number[];
  controllerCores: number[];
  /** Cores busy machine-wide during the round, and those not ours (other users of the machine). */
  machineCores: number[];
  otherCores: number[];
  redisCallsPerRequest: Record<string, number>;
  backgroundCallsPerSecond: Record<string, number>;
  rssMb: number[];
}

const machineBusy = await sampleBusyCores(2000);
log(`machine: ${machineBusy.toFixed(2)} of ${cpus().length} cores busy before the run`);
const modelDir = await prepareModel();
const loaded = await loadModel(modelDir);
const paths = userMix(loaded.users, loaded.train, 200_000, 7).paths;
const generator = ChildRpc.start("autocannon", new URL("./serve/saturate.ts", import.meta.url));
const results: Measured[] = [];
let vectorBytesPerUser = Number.NaN;
let dims = 0;
let streamBytesPerEvent = Number.NaN;
const work = await mkdtemp(join(tmpdir(), "palate-bench-cluster-"));
try {
  const configs = [
    { replicas: 1, viaProxy: false },
    ...replicaCounts.map((replicas) => ({ replicas, viaProxy: true })),
  ];
  for (const { replicas, viaProxy } of configs) {
    const label = viaProxy ? `${replicas} via proxy` : "1 direct (no proxy)";
    log(`starting ${label} …`);
    const cluster: Cluster = await startCluster({
      replicas,
      model: modelDir,
      port: 0,
      dir: join(work, label),
    });
    const redis = new Redis(cluster.redisUrl);
    try {
      // Every user's query vector in Redis, as `palate features push` leaves it in production.
      // The index path: every request searches the ANN, as the figures in docs/cluster.md were measured.
      const push = await pushVectors(loaded, cluster.redisUrl, null);
      vectorBytesPerUser = (push.memoryAfter - push.memoryBefore) / push.users;
      dims = push.dims;
      const url = viaProxy ? cluster.url : cluster.replicas[0].url;
      // What the processes do to Redis with no requests at all: state polls, item sync, controller.
      const idleFrom = await commandCalls(redis);
      await new Promise((r) => setTimeout(r, 5000));
      const background = callsBetween(idleFrom, await commandCalls(redis));
      const measured: Measured = {
        label,
        replicas,
        viaProxy,
        reports: [],
        proxyCores: [],
        serverCores: [],
        redisCores: [],
        controllerCores: [],
        machineCores: [],
        otherCores: [],
        redisCallsPerRequest: {},
        backgroundCallsPerSecond: perUnit(background, 5),
        rssMb: [],
      };
      const run = (duration: number) =>
        generator.call<SaturateReport>("run", {
          url,
          paths,
          connections,
          durationSeconds: duration,
          warmupSeconds: 0,
        } satisfies SaturateRun);
      await run(warmupSeconds);
      for (let round = 0; round < rounds; round++) {
        const pids = cluster.replicas.map((r) => r.pid);
        const serverFrom = pids.map(cpuSeconds);
        const redisFrom = cpuSeconds(cluster.redisPid);
        const controllerFrom = cpuSeconds(cluster.controllerPid);
        const machineFrom = cpuTicks();
        const proxyFrom = process.cpuUsage();
        const callsFrom = await commandCalls(redis);
        const memoryFrom = await redisUsedMemory(cluster.redisUrl);
        const lengthFrom = await redis.xlen("palate:events:stream");
        const report = await run(seconds);
        // CPU over the round itself (the round's seconds include autocannon's few ms of ramp).
        const cores = (from: number, pid: number | undefined) => (cpuSeconds(pid) - from) / report.seconds;
        const machine = busyCores(machineFrom, cpuTicks());
        const proxy = process.cpuUsage(proxyFrom);
        const proxyCores = viaProxy ? (proxy.user + proxy.system) / 1e6 / report.seconds : 0;
        const serverCores = pids.map((pid, i) => cores(serverFrom[i], pid)).reduce((a, b) => a + b, 0);
        const redisCores = cores(redisFrom, cluster.redisPid);
        const controllerCores = cores(controllerFrom, cluster.controllerPid);
        const ours = serverCores + proxyCores + redisCores + controllerCores + report.generatorCpuCores;
        measured.reports.push(report);
        measured.proxyCores.push(proxyCores);
        measured.serverCores.push(serverCores);
        measured.redisCores.push(redisCores);
        measured.controllerCores.push(controllerCores);
        measured.machineCores.push(machine);
        measured.otherCores.push(Math.max(0, machine - ours));
        // Impressions reach the stream asynchronously (batches of up to 500): let them land.
        await new Promise((r) => setTimeout(r, 1000));
        const calls = callsBetween(callsFrom, await commandCalls(redis));
        for (const [name, n] of background) calls.set(name, (calls.get(name) ?? 0) - (n / 5) * (seconds + 1));
        measured.redisCallsPerRequest = perUnit(calls, report.requests);
        const added = (await redis.xlen("palate:events:stream")) - lengthFrom;
        if (added > 0) streamBytesPerEvent = ((await redisUsedMemory(cluster.redisUrl)) - memoryFrom) / added;
        log(`  ${label} round ${round + 1}: ${report.requestsPerSecond.toFixed(0)} req/s`);
      }
      measured.rssMb = cluster.replicas.map((r) => rssMegabytes(r.pid));
      results.push(measured);
    } finally {
      redis.disconnect();
      await cluster.stop();
    }
  }
} finally {
  await generator.stop();
  await rm(work, { recursive: true, force: true });
}

/** Median over rounds of CPU microseconds per request. */
const cpuPerRequest = (m: Measured, cores: number[]) =>
  Math.round(median(cores.map((c, i) => (c / m.reports[i].requestsPerSecond) * 1e6)));

const rows: BenchRow[] = results.map((m) => ({
  processes: m.label,
  "req/s (median)": Math.round(median(m.reports.map((r) => r.requestsPerSecond))),
  rounds: m.reports.map((r) => Math.round(r.requestsPerSecond)).join(" / "),
  "p50 ms": median(m.reports.map((r) => r.latencyP50)),
  "p99 ms": median(m.reports.map((r) => r.latencyP99)),
  "non-2xx+errors": m.reports.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
  "servers cores": median(m.serverCores),
  "proxy cores": median(m.proxyCores),
  "redis cores": median(m.redisCores),
  "load gen cores": median(m.reports.map((r) => r.generatorCpuCores)),
  "controller cores": median(m.controllerCores),
  "other busy cores": median(m.otherCores),
  // CPU per request is steadier than req/s on a shared machine: it does not depend on how many
  // cores the other users of the machine left us.
  "server µs/req": cpuPerRequest(m, m.serverCores),
  "proxy µs/req": cpuPerRequest(m, m.proxyCores),
  "redis µs/req": cpuPerRequest(m, m.redisCores),
  "RSS MB per server": median(m.rssMb),
}));
const costRows: BenchRow[] = results.map((m) => ({
  processes: m.label,
  "Redis commands per request": Object.entries(m.redisCallsPerRequest)
    .filter(([, n]) => n >= 0.01)
    .map(([name, n]) => `${name} ${n}`)
    .join(", "),
  "background commands per s (all processes)": Object.entries(m.backgroundCallsPerSecond)
    .map(([name, n]) => `${name} ${n}`)
    .join(", "),
}));
printBench("cluster throughput (GET /v1/recommendations, k = 10, saturated)", rows, {
  users,
  items,
  dims,
  connections,
  seconds,
  rounds,
  cores: cpus().length,
  machineBusyCoresBefore: Number(machineBusy.toFixed(2)),
  redisBytesPerUserVector: Math.round(vectorBytesPerUser),
  redisBytesPerStreamEvent: Math.round(streamBytesPerEvent),
  results,
});
printBench("Redis work per request and in the background", costRows);
console.log(
  `Redis memory: ${Math.round(vectorBytesPerUser)} B per user vector, ${Math.round(streamBytesPerEvent)} B per logged event (stream entry + dedupe marker)`,
);
