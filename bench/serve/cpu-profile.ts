/**
 * A sampling CPU profile of the server process (V8's profiler over node:inspector), folded into
 * the parts of a request: which code the saturated server spends its core on. Run in a phase of
 * its own, since the profiler slows what it watches.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

/** Self time by area and by function, as shares of the busy (non-idle) samples. */
export interface CpuProfileSummary {
  busySamples: number;
  areas: { area: string; share: number }[];
  functions: { fn: string; share: number }[];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
  children?: number[];
}

/** Which part of the stack a script belongs to; the first matching rule wins. */
const AREAS: [RegExp, string][] = [
  [/\/src\/recommend\/retrieval\/|hnswlib/, "retrieval index (HNSW)"],
  [/\/src\/recommend\//, "recommendation path (filters, query, reasons, caches)"],
  [
    /\/src\/storage\/features\/|ioredis|redis-parser|redis-errors|cluster-key-slot|denque/,
    "Redis client and decoding",
  ],
  [/\/src\/storage\/events\/|\/src\/server\/impressions|better-sqlite3/, "event log (impressions)"],
  [/\/src\/experiments\//, "experiments (assignment)"],
  [/\/src\/server\/|\/src\/telemetry\//, "Palate routes, hooks, validation glue"],
  [/prom-client/, "Prometheus metrics"],
  [/\/ajv/, "query validation (ajv)"],
  [/fast-json-stringify/, "response serialisation"],
  [/fastify|find-my-way|avvio|light-my-request|fast-querystring|toad-cache|pino/, "Fastify"],
  [/\/bench\//, "benchmark probe"],
  [/^node:/, "Node.js core (HTTP and Redis sockets, streams, timers)"],
];

/**
 * The area of a sample. Native frames (the HNSW distance kernels, socket writes) count for the
 * script that called them, found up the stack: a write from the Redis client is Redis's cost.
 */
function areaOf(node: ProfileNode, parentOf: Map<number, ProfileNode>): string {
  const { functionName } = node.callFrame;
  // V8's pseudo-frames: (garbage collector), (program), (idle).
  if (node.callFrame.url === "" && functionName.startsWith("(")) return functionName;
  let frame: ProfileNode | undefined = node;
  while (frame && frame.callFrame.url === "") frame = parentOf.get(frame.id);
  if (!frame) return "native code";
  for (const [pattern, area] of AREAS) if (pattern.test(frame.callFrame.url)) return area;
  return "other";
}

function shortUrl(url: string): string {
  const at = Math.max(url.lastIndexOf("/src/"), url.lastIndexOf("node_modules/"));
  return at >= 0 ? url.slice(at + 1) : url;
}

/** The top of a tally as shares of `total`. */
function top(tally: Map<string, number>, total: number, n: number) {
  return [...tally]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, hits]) => ({ name, share: hits / total }));
}

/** A profiler attached to this process. */
export class CpuProfiler {
  private readonly session = new Session();
  private running = false;

  /** Starts sampling (every `intervalUs` microseconds). */
  async start(intervalUs = 500): Promise<void> {
    if (this.running) throw new Error("the profiler is already running");
    this.session.connect();
    await this.session.post("Profiler.enable");
    await this.session.post("Profiler.setSamplingInterval", { interval: intervalUs });
    await this.session.post("Profiler.start");
    this.running = true;
  }

  /** Stops sampling and folds the profile into areas and functions. */
  async stop(): Promise<CpuProfileSummary> {
    if (!this.running) throw new Error("the profiler is not running");
    const { profile } = (await this.session.post("Profiler.stop")) as { profile: { nodes: ProfileNode[] } };
    // For a closer look (callers, timelines) in a profile viewer: the raw profile, when asked.
    const rawOut = process.env.PALATE_BENCH_CPUPROFILE;
    if (rawOut) writeFileSync(rawOut, JSON.stringify(profile));
    await this.session.post("Profiler.disable");
    this.session.disconnect();
    this.running = false;
    const areas = new Map<string, number>();
    const functions = new Map<string, number>();
    let busy = 0;
    const parentOf = new Map<number, ProfileNode>();
    for (const node of profile.nodes) {
      for (const child of node.children ?? []) parentOf.set(child, node);
    }
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      if (hits === 0 || node.callFrame.functionName === "(idle)") continue;
      busy += hits;
      const area = areaOf(node, parentOf);
      areas.set(area, (areas.get(area) ?? 0) + hits);
      const { functionName, url } = node.callFrame;
      // No line numbers: under tsx they are those of the transpiled code, not the source.
      const fn =
        url === "" ? `${functionName} (native)` : `${functionName || "(anonymous)"} ${shortUrl(url)}`;
      functions.set(fn, (functions.get(fn) ?? 0) + hits);
    }
    return {
      busySamples: busy,
      areas: top(areas, busy, 20).map(({ name, share }) => ({ area: name, share })),
      functions: top(functions, busy, 12).map(({ name, share }) => ({ fn: name, share })),
    };
  }
}
