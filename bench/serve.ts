// `npm run bench:serve`: the serving figures of the serving issue, as JSON and tables.
//  - p99 ≤ 10 ms and p99.9 ≤ 25 ms at 1,000 req/s offered by an open-loop generator (its own
//    process; requests evenly spaced, timed from their scheduled time, first second discarded);
//  - saturated throughput of GET /v1/recommendations ≥ 25% (aim 50%) of a bare Fastify route
//    answering a list of the same size, both under autocannon in the same run;
//  - the cost of one request by stage (feature fetch, filters, retrieval, serialisation);
//  - server RSS, model load and ANN build time, the vector push and the Redis memory it takes.
// The city (1M users × 100k restaurants, 7 days) and a hybrid trained with reduced settings are
// cached under --dir (default .palate/bench-serve). Flags (see bench/serve/options.ts):
//   --users 1000000 --items 100000 --model DIR --rate 1000 --duration 20 --prewarm 10
//   --connections 50 --saturate 10 --repeats 3 --lists 50 (0: no precomputed lists) …
//   --reuse-push yes keeps the pushed Redis as a snapshot under --dir for reruns on the same model.
// Develop on small shapes, e.g. --users 20000 --items 8000 --duration 5 --repeats 1.
// After the rounds, one more saturation run with the server's CPU profiler on says where the
// saturated core goes (it is not part of the throughput figures).
// PALATE_BENCH_CPUPROFILE=FILE also writes that profile raw (.cpuprofile JSON, for callers).
import { execFileSync } from "node:child_process";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { loadModel } from "../src/models/model-kinds.js";
import { SERVE_NODE_FLAGS } from "../src/server/node-flags.js";
import { printBench } from "./report.js";
import { ChildRpc } from "./serve/child-rpc.js";
import { cpuRows, profileRows } from "./serve/diagnosis-report.js";
import { sampleBusyCores } from "./serve/machine-load.js";
import { parseServeBenchOptions } from "./serve/options.js";
import { prepareModel } from "./serve/prepare-model.js";
import { pushSnapshot, saveSnapshot, snapshotSaved, startFromSnapshot } from "./serve/push-snapshot.js";
import {
  monitorRedisLatency,
  type PushReport,
  pushVectors,
  redisUsedMemory,
  startRedis,
} from "./serve/push-vectors.js";
import { type PhasePaths, profiledSaturation, runRounds, warmUp } from "./serve/rounds.js";
import { serializeCost } from "./serve/serialize-cost.js";
import {
  barRows,
  costRows,
  machineState,
  resourceRows,
  roundRows,
  type ServeBenchResult,
} from "./serve/serve-report.js";
import type { ServerStarted } from "./serve/server-process.js";
import { userMix } from "./serve/user-mix.js";

const log = (message: string) => console.error(`[bench:serve] ${message}`);

/** A full garbage collection of this process (V8's gc(), exposed for the call). */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}
const options = parseServeBenchOptions(process.argv.slice(2));
// The server under test runs the build, as `palate serve` does (bench/serve/server-process.ts).
log("building dist/ (npm run build) …");
execFileSync("npm", ["run", "--silent", "build"], { stdio: ["ignore", "ignore", "inherit"] });
// Read before this process adds load of its own: what the other users of the machine are doing.
const machine = machineState(await sampleBusyCores(2000));
log(`machine: ${machine.busyCoresBefore.toFixed(2)} of ${machine.cores} cores busy before the run`);

const prepared = await prepareModel(options);
const snapshot = options.reusePush ? pushSnapshot(options.dir, prepared.modelDir, options.lists) : null;
const fromSnapshot = snapshot && snapshotSaved(snapshot) ? await startFromSnapshot(snapshot) : null;
const redis = fromSnapshot?.redis ?? (await startRedis(snapshot ?? undefined));
const children: ChildRpc[] = [];
const child = (name: string, file: string, nodeFlags: readonly string[] = []) => {
  const rpc = ChildRpc.start(name, new URL(`./serve/${file}`, import.meta.url), nodeFlags);
  children.push(rpc);
  return rpc;
};
try {
  // Vectors and request paths come from the model, loaded here once and then dropped, so the
  // server process loads its own copy as `palate serve` would.
  let loaded: Awaited<ReturnType<typeof loadModel>> | null = await loadModel(prepared.modelDir);
  let push: PushReport;
  if (fromSnapshot) {
    push = { ...fromSnapshot.push, reusedFrom: snapshot?.file };
    log(`feature store loaded from ${snapshot?.file} (pushed earlier in ${push.seconds.toFixed(1)} s)`);
  } else {
    log(`pushing ${loaded.users.size.toLocaleString("en-US")} user vectors to ${redis.url} …`);
    let lastLog = 0;
    push = await pushVectors(
      loaded,
      redis.url,
      { modelDir: prepared.modelDir, size: options.lists },
      (done, total) => {
        if (performance.now() - lastLog < 10_000) return;
        lastLog = performance.now();
        log(`  push: ${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")}`);
      },
    );
    log(`pushed in ${push.seconds.toFixed(1)} s`);
    if (snapshot) await saveSnapshot(redis.url, snapshot, push);
  }
  await monitorRedisLatency(redis.url, 1);
  const saturateCount = 200_000;
  const draw = (seed: number, count: number) => userMix(loaded!.users, loaded!.train, count, seed);
  const warmUpMix = draw(1, Math.round(options.rate * options.prewarm));
  const openLoopMixes = Array.from({ length: options.repeats }, (_, r) =>
    draw(100 + r, Math.ceil(options.rate * options.duration)),
  );
  const paths: PhasePaths = {
    warmUp: warmUpMix.paths,
    rounds: openLoopMixes.map((mix, r) => ({
      openLoop: mix.paths,
      saturate: draw(200 + r, saturateCount).paths,
    })),
    profile: draw(300, saturateCount).paths,
  };
  loaded = null;
  // The harness shares the two cores with the server: collect the dropped model (and the list
  // workers' heaps) now, not as a parallel full collection in the middle of a measured round.
  collectGarbage();

  // Both servers run with the V8 flags of a deployed server (src/server/node-flags.ts).
  const server = child("server", "server-process.ts", SERVE_NODE_FLAGS);
  log("starting the server and waiting for its ANN index …");
  const started = await server.call<ServerStarted>("start", {
    modelDir: prepared.modelDir,
    redisUrl: redis.url,
  });
  log(
    `serving ${started.modelVersion}: loaded in ${started.loadSeconds.toFixed(1)} s, index ${started.index.kind}` +
      (started.index.annBuildSeconds === null
        ? ""
        : ` built in ${started.index.annBuildSeconds.toFixed(1)} s`),
  );
  const openLoop = child("open-loop", "open-loop.ts");
  const saturator = child("saturate", "saturate.ts");
  const bare = child("bare", "bare-server.ts", SERVE_NODE_FLAGS);
  const processes = {
    server,
    serverUrl: started.url,
    openLoop,
    saturator,
    bare,
    bareUrl: "",
    redisUrl: redis.url,
  };
  log(`warming up (${options.prewarm} s of open-loop load, discarded) …`);
  await warmUp(processes, options, paths.warmUp);

  // A typical answer: a list of 10 for a user with a stored vector (the bare route's body).
  const sample = await fetch(`${started.url}${paths.rounds[0].openLoop[0]}`);
  if (!sample.ok) throw new Error(`sample request: HTTP ${sample.status} ${await sample.text()}`);
  const sampleBody = (await sample.json()) as unknown;
  const bareStarted = await bare.call<{ url: string; bytes: number }>("start", { body: sampleBody });
  processes.bareUrl = bareStarted.url;

  const rounds = await runRounds(processes, options, paths);
  const profile = await profiledSaturation(processes, options, paths.profile);
  const serialize = await serializeCost(sampleBody);
  const redisMemoryAfterLoad = await redisUsedMemory(redis.url);
  const result: ServeBenchResult = {
    options,
    prepared,
    push,
    started,
    userMix: { description: openLoopMixes[0].description, distinctShare: openLoopMixes[0].distinctShare },
    rounds,
    serialize,
    bodyBytes: { palate: serialize.bytes, bare: bareStarted.bytes },
    machine,
    redisMemoryAfterLoad,
  };
  const shape = `${options.users.toLocaleString("en-US")} users × ${started.items.toLocaleString("en-US")} items`;
  const medians = `medians of ${rounds.length} round${rounds.length === 1 ? "" : "s"}`;
  printBench(`serving bars, ${shape}, Redis feature store (${medians})`, barRows(result), {
    options,
    machine,
  });
  printBench(`cost of one request (uncached, ${medians}; serialisation timed apart)`, costRows(result));
  printBench(`server CPU per request when saturated (${medians})`, cpuRows(result));
  printBench("saturated server CPU by area (sampling profile, a run of its own)", profileRows(profile), {
    functions: profile.functions,
  });
  printBench("serving resources and context", resourceRows(result), {
    push,
    started,
    prepared,
    serialize,
  });
  printBench("rounds", roundRows(rounds), { rounds });
} finally {
  await Promise.allSettled(children.map((c) => c.stop()));
  await redis.stop();
}
