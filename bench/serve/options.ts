/** The flags of `npm run bench:serve`, with the configuration as defaults. */
import { resolve } from "node:path";
import { DEFAULT_LIST_SIZE } from "../../src/recommend/precomputed-lists.js";

/** Everything a serving benchmark run is configured by. */
export interface ServeBenchOptions {
  /** Cache of generated cities and trained models (reruns skip those steps). */
  dir: string;
  users: number;
  items: number;
  /** Simulated days of history. */
  days: number;
  seed: number;
  /** A trained hybrid to serve instead of the cached one (skips generation and training). */
  model: string | null;
  /** Requests per second offered by the open-loop generator. */
  rate: number;
  /** Seconds of open-loop load per repeat, the first `warmup` of them discarded. */
  duration: number;
  warmup: number;
  /**
   * Seconds of open-loop load after start-up, before the first round (discarded): JIT, Redis
   * connections and the per-user result cache (10,000 entries) reach their steady state.
   */
  prewarm: number;
  /** Keep-alive sockets of the open-loop generator. */
  pool: number;
  /** autocannon connections and measured seconds per saturation run. */
  connections: number;
  saturate: number;
  /** Seconds of autocannon load before each measured saturation run (discarded). */
  saturateWarmup: number;
  /** Rounds of (open loop, saturate Palate, saturate the bare route); the table shows medians. */
  repeats: number;
  /** ALS iterations of the reduced training (the default training runs 15). */
  alsIterations: number;
  /** Candidates pushed per user beside the vector (0: none, every request searches the index). */
  lists: number;
  /** Keep the pushed feature store as an RDB file under `dir` and start from it on reruns. */
  reusePush: boolean;
}

/** Parses `--name value` flags from `argv`; unknown flags are an error so typos do not pass silently. */
export function parseServeBenchOptions(argv: readonly string[]): ServeBenchOptions {
  const known = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new Error(`bench:serve: unexpected argument '${arg}'`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new Error(`bench:serve: ${arg} needs a value`);
    known.set(arg.slice(2), value);
    i++;
  }
  const take = (name: string, fallback: string): string => {
    const value = known.get(name) ?? fallback;
    known.delete(name);
    return value;
  };
  const count = (name: string, fallback: number, min = 1): number => {
    const text = take(name, String(fallback)).replaceAll("_", "");
    const value = Number(text);
    if (!Number.isFinite(value) || value < min) {
      throw new Error(`bench:serve: --${name} must be a number ≥ ${min}, got '${text}'`);
    }
    return value;
  };
  const modelFlag = take("model", "");
  const reusePush = take("reuse-push", "no");
  if (reusePush !== "yes" && reusePush !== "no")
    throw new Error(`bench:serve: --reuse-push must be yes or no, got '${reusePush}'`);
  const options: ServeBenchOptions = {
    dir: resolve(take("dir", ".palate/bench-serve")),
    users: Math.round(count("users", 1_000_000)),
    items: Math.round(count("items", 100_000)),
    days: Math.round(count("days", 7)),
    seed: Math.round(count("seed", 42, 0)),
    model: modelFlag === "" ? null : resolve(modelFlag),
    rate: count("rate", 1000),
    duration: count("duration", 20),
    warmup: count("warmup", 1, 0),
    prewarm: count("prewarm", 10),
    pool: Math.round(count("pool", 64)),
    connections: Math.round(count("connections", 50)),
    saturate: count("saturate", 10),
    saturateWarmup: count("saturate-warmup", 3, 0),
    repeats: Math.round(count("repeats", 3)),
    alsIterations: Math.round(count("als-iterations", 3)),
    lists: Math.round(count("lists", DEFAULT_LIST_SIZE, 0)),
    reusePush: reusePush === "yes",
  };
  if (known.size > 0) throw new Error(`bench:serve: unknown flag --${[...known.keys()][0]}`);
  if (options.warmup >= options.duration) throw new Error("bench:serve: --warmup must be below --duration");
  return options;
}
