/**
 * A saved push for reruns: with `--reuse-push yes`, the benchmark's Redis keeps its RDB file in
 * the cache directory, named after the model and the list size. The first run pushes and saves
 * it (SAVE, before any load); a rerun on the same model starts Redis from it (tens of seconds at
 * 1M users) instead of pushing again (≈ 9 minutes with lists) and reports the first run's push.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { TestRedis } from "../../src/storage/testing/redis-server.js";
import { type PushReport, withClient } from "./push-vectors.js";

/** Where a model's saved push lives. */
export interface PushSnapshot {
  dir: string;
  file: string;
  /** The push report of the run that saved it. */
  report: string;
}

export function pushSnapshot(dir: string, modelDir: string, lists: number): PushSnapshot {
  const name = `push-${basename(modelDir)}-lists${lists}`;
  return { dir, file: `${name}.rdb`, report: join(dir, `${name}.json`) };
}

/** Whether a complete snapshot (data and report) is there to start from. */
export function snapshotSaved(snapshot: PushSnapshot): boolean {
  return existsSync(join(snapshot.dir, snapshot.file)) && existsSync(snapshot.report);
}

/** A Redis started from the snapshot, once it has loaded it, and the saved push report. */
export async function startFromSnapshot(
  snapshot: PushSnapshot,
): Promise<{ redis: TestRedis; push: PushReport }> {
  const redis = await TestRedis.start({ snapshot });
  // Redis listens while it loads and answers -LOADING until the dataset is in memory.
  for (;;) {
    const loading = await withClient(redis.url, (c) => c.info("persistence"), 5000).catch(() => "loading:1");
    if (/^loading:0/m.test(loading)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const push = JSON.parse(await readFile(snapshot.report, "utf8")) as PushReport;
  return { redis, push };
}

/** Saves what Redis holds now (right after the push) and the push's report. */
export async function saveSnapshot(url: string, snapshot: PushSnapshot, push: PushReport): Promise<void> {
  await withClient(url, (c) => c.save(), 600_000);
  await writeFile(snapshot.report, `${JSON.stringify(push, null, 2)}\n`);
}
