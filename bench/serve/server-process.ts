/**
 * The process under test: Palate's serving app (`createServing`, the code `palate serve` runs)
 * over the Redis feature store, with a probe on the recommendation path. Driven by the
 * benchmark through `ChildRpc`. The app is the build in dist/ (the benchmark builds it first),
 * as `palate serve` runs it: this process runs under tsx, whose transpilation keeps function
 * names by wrapping every closure a request creates in a defineProperty call, a cost the
 * compiled server does not have.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RecommendRequest } from "../../src/recommend/recommend-types.js";
import { serveRpc } from "./child-rpc.js";
import { CpuProfiler } from "./cpu-profile.js";
import { type ProbeReport, ServingProbe } from "./serving-probe.js";

/** What starting the server cost. */
export interface ServerStarted {
  url: string;
  modelVersion: string;
  items: number;
  dims: number;
  /** Seconds of `createServing`: loading the model version, building the app, connecting stores. */
  loadSeconds: number;
  /** The serving index once ready, and how long its ANN took to build in the background. */
  index: { kind: string; annBuildSeconds: number | null; error?: string };
  rssBytes: number;
}

/** Arguments of the `start` call. */
export interface StartServer {
  modelDir: string;
  redisUrl: string;
}

/** A module of the build, typed as its source. */
const built = <T>(path: string): Promise<T> => import(new URL(`../../dist/${path}`, import.meta.url).href);
const { BackgroundAnnIndex } = await built<
  typeof import("../../src/recommend/retrieval/background-index.js")
>("recommend/retrieval/background-index.js");
const { ServeConfigSchema } =
  await built<typeof import("../../src/server/serve-config.js")>("server/serve-config.js");
const { createServing } = await built<typeof import("../../src/server/server.js")>("server/server.js");

type Serving = Awaited<ReturnType<typeof createServing>>;

let serving: Serving | null = null;
let scratch: string | null = null;
const probe = new ServingProbe();
const profiler = new CpuProfiler();

async function start({ modelDir, redisUrl }: StartServer): Promise<ServerStarted> {
  if (serving) throw new Error("already started");
  scratch = await mkdtemp(join(tmpdir(), "palate-bench-serve-"));
  const config = ServeConfigSchema.parse({
    port: 0,
    host: "127.0.0.1",
    featureStore: redisUrl,
    // As `palate serve --redis URL`: the event log (impressions of every list served) in Redis too.
    eventLog: redisUrl,
    spillPath: join(scratch, "spill.ndjson"),
  });
  const started = performance.now();
  serving = await createServing(modelDir, config);
  const loadSeconds = (performance.now() - started) / 1000;
  const service = serving.context.service;
  if (!service) throw new Error("no model loaded");
  // The stage timings are in the service's result but not in the HTTP body: read them here.
  const recommend = service.recommend.bind(service);
  service.recommend = async (request: RecommendRequest) => {
    const result = await recommend(request);
    probe.record(result);
    return result;
  };
  // Fastify's own clock: a tail here and not in the stages is queueing inside the server.
  serving.app.addHook("onResponse", (request, reply, done) => {
    if (request.routeOptions.url === "/v1/recommendations") probe.recordElapsed(reply.elapsedTime);
    done();
  });
  const model = service.model;
  let index: ServerStarted["index"] = { kind: "exact (below the ANN threshold)", annBuildSeconds: null };
  if (model.index instanceof BackgroundAnnIndex) {
    // Measuring before the switch would time the exact scan the server falls back to meanwhile.
    const report = await model.index.ready;
    index = {
      kind: model.index.annReady ? "hnsw" : "exact (ANN build failed)",
      annBuildSeconds: report.seconds,
      ...(report.error ? { error: report.error.message } : {}),
    };
  }
  const url = await serving.app.listen({ port: 0, host: "127.0.0.1" });
  return {
    url,
    modelVersion: model.version,
    items: model.catalog.size,
    dims: model.dims,
    loadSeconds,
    index,
    rssBytes: process.memoryUsage().rss,
  };
}

/** Feature-store reads by outcome since start, read off the serving metrics (no per-request cost). */
async function readOutcomes(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  if (!serving) return counts;
  const metric = await serving.context.metrics.featureStoreDuration.get();
  for (const v of metric.values) {
    if (v.metricName?.endsWith("_count")) counts[String(v.labels.outcome)] = v.value;
  }
  return counts;
}

let outcomesAtReset: Record<string, number> = {};

serveRpc(
  {
    start: (payload: StartServer) => start(payload),
    reset: async () => {
      probe.reset();
      outcomesAtReset = await readOutcomes();
    },
    report: async (): Promise<ProbeReport> => {
      const now = await readOutcomes();
      const featureReads = Object.fromEntries(
        Object.entries(now).map(([outcome, n]) => [outcome, n - (outcomesAtReset[outcome] ?? 0)]),
      );
      return { ...probe.report(), featureReads };
    },
    profileStart: () => profiler.start(),
    profileStop: () => profiler.stop(),
  },
  async () => {
    probe.close();
    await serving?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  },
);
