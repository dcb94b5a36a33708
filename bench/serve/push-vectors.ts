/**
 * The feature store of the benchmark: a fresh redis-server, filled with every user's vector the
 * way `palate features push` does it, with the push timed and Redis memory read before and after.
 */
import { Redis } from "ioredis";
import type { LoadedModel } from "../../src/models/model-kinds.js";
import { ListWorkers } from "../../src/recommend/list-workers.js";
import { openFeatureStore } from "../../src/storage/features/open-feature-store.js";
import { pushUserVectors } from "../../src/storage/features/push-user-vectors.js";
import { type RedisSnapshotFile, TestRedis } from "../../src/storage/testing/redis-server.js";

/** What the push cost. */
export interface PushReport {
  users: number;
  dims: number;
  seconds: number;
  /** `used_memory` of INFO memory before and after the push. */
  memoryBefore: number;
  memoryAfter: number;
  keys: number;
  /** Candidates per pushed list (0: vectors only), and the seconds the ANN build for them took. */
  lists: number;
  listIndexSeconds: number;
  /** Set when this run started from a saved push (`--reuse-push`): the snapshot file. */
  reusedFrom?: string;
}

/** Runs `use` with a short-lived client of the Redis at `url` (commands may wait `timeoutMs`). */
export async function withClient<T>(
  url: string,
  use: (client: Redis) => Promise<T>,
  timeoutMs?: number,
): Promise<T> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: timeoutMs });
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

/** Bytes of Redis memory in use (INFO memory's `used_memory`). */
export function redisUsedMemory(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const match = /^used_memory:(\d+)/m.exec(await client.info("memory"));
    if (!match) throw new Error("INFO memory has no used_memory line");
    return Number(match[1]);
  });
}

/** Turns Redis's latency monitor on: internal events of at least `ms` are kept for `takeRedisLatency`. */
export function monitorRedisLatency(url: string, ms: number): Promise<void> {
  return withClient(url, async (client) => {
    await client.config("SET", "latency-monitor-threshold", String(ms));
  });
}

/**
 * The slowest event of each kind Redis saw since the last call (milliseconds by event name, e.g.
 * `command`), then a reset: a slow feature fetch is either Redis's time or the network and the
 * client's.
 */
export function takeRedisLatency(url: string): Promise<Record<string, number>> {
  return withClient(url, async (client) => {
    const latest = (await client.call("LATENCY", "LATEST")) as [string, number, number, number][];
    await client.call("LATENCY", "RESET");
    return Object.fromEntries(latest.map(([event, , , max]) => [event, max]));
  });
}

/** Starts a redis-server on a free port (no persistence unless a snapshot file is named: the vectors are derivable). */
export function startRedis(snapshot?: RedisSnapshotFile): Promise<TestRedis> {
  return TestRedis.start({ snapshot });
}

/**
 * Pushes the query vector of every user of `loaded` into the Redis at `url`, with a candidate
 * list of `lists.size` items each (as `palate features push --lists`).
 */
export async function pushVectors(
  loaded: LoadedModel,
  url: string,
  lists: { modelDir: string; size: number } | null,
  onProgress?: (done: number, total: number) => void,
): Promise<PushReport> {
  const memoryBefore = await redisUsedMemory(url);
  // The CLI's settings for a batch job: a big pipeline may take longer than a request's read budget.
  const store = await openFeatureStore(url, { redis: { commandTimeoutMs: 30_000, connectTimeoutMs: 5_000 } });
  const started = performance.now();
  // As `palate features push`: worker threads, each with its own copy of the model and index.
  const workers = lists && lists.size > 0 ? await ListWorkers.start(lists.modelDir, lists.size) : null;
  const listIndexSeconds = (performance.now() - started) / 1000;
  try {
    const summary = await pushUserVectors(loaded, store, {
      batchSize: 1000,
      onProgress,
      lists: workers ?? undefined,
    });
    const seconds = (performance.now() - started) / 1000;
    return {
      users: summary.users,
      dims: summary.dims,
      seconds,
      memoryBefore,
      memoryAfter: await redisUsedMemory(url),
      keys: await withClient(url, (client) => client.dbsize()),
      lists: workers ? (lists?.size ?? 0) : 0,
      listIndexSeconds,
    };
  } finally {
    await workers?.close();
    await store.close();
  }
}
