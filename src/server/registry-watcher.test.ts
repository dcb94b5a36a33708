import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ModelRegistry } from "../experiments/registry.js";
import { tinyArtifact } from "../experiments/testing/tiny-artifact.js";
import type { ServingModel } from "../recommend/serving-model.js";
import { SqliteStateStore } from "../storage/state/sqlite-state-store.js";
import type { ModelVersionRecord } from "../storage/state/state-store.js";
import { RegistryWatcher } from "./registry-watcher.js";

const cause = { actor: "test", reason: "test" };

/** A registry in a fresh directory with "v1" as its champion, removed after `body`. */
async function withRegistry(
  body: (r: { dir: string; store: SqliteStateStore; registry: ModelRegistry }) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "palate-watcher-"));
  const store = new SqliteStateStore(join(dir, "state.db"));
  try {
    const registry = new ModelRegistry(store, { dir });
    await registry.register(await tinyArtifact(join(dir, "src", "v1"), "v1"), { ...cause, champion: true });
    await body({ dir, store, registry });
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test("a version that fails to load is not retried on every poll, only after retryFailedMs or on the next change", () =>
  withRegistry(async ({ dir, store, registry }) => {
    let now = 0;
    // The watcher's loading is what is under test, not the models: a loader that fails while
    // `broken` holds the version, standing in for a directory still being synced.
    const broken = new Set<string>();
    const attempts: string[] = [];
    const load = async (record: ModelVersionRecord) => {
      attempts.push(record.version);
      if (broken.has(record.version)) throw new Error(`${record.dir}: checksum mismatch`);
      return { version: record.version, close: async () => {} } as unknown as ServingModel;
    };
    const watcher = new RegistryWatcher(store, load, { retryFailedMs: 10_000, now: () => now });
    const swaps: string[] = [];
    const errors: string[] = [];
    watcher.onSwap = (set) => swaps.push(`${set.champion.version}+${set.canary?.version ?? "-"}`);
    watcher.onError = (error) => errors.push(error.message);
    assert.equal((await watcher.initial()).champion.version, "v1");

    await registry.register(await tinyArtifact(join(dir, "src", "v2"), "v2"), cause);
    broken.add("v2");
    await registry.startCanary("v2", 10, cause);
    await watcher.poll();
    now = 9_999;
    await watcher.poll();
    await watcher.poll();
    assert.deepEqual([attempts, errors.length, swaps], [["v1", "v2"], 1, []]);

    // The directory is whole now; the same revision is retried once the wait is over.
    broken.delete("v2");
    now = 10_000;
    await watcher.poll();
    assert.deepEqual([attempts, swaps], [["v1", "v2", "v2"], ["v1+v2"]]);

    // A new revision is tried at once, whatever the last failure.
    await registry.register(await tinyArtifact(join(dir, "src", "v3"), "v3"), cause);
    await registry.rollback("v2", cause);
    broken.add("v3");
    await registry.startCanary("v3", 10, cause);
    await watcher.poll();
    assert.deepEqual([attempts.at(-1), errors.length], ["v3", 2]);
    await watcher.close();
  }));

test("a state store that cannot be read is reported once per outage, not as a model load failure", async () => {
  const dir = await mkdtemp(join(tmpdir(), "palate-watcher-"));
  const real = new SqliteStateStore(join(dir, "state.db"));
  try {
    const registry = new ModelRegistry(real, { dir });
    await registry.register(await tinyArtifact(join(dir, "src", "v1"), "v1"), {
      actor: "test",
      reason: "test",
      champion: true,
    });
    // The real store, with its reads failing while `down` (as a Redis state store in an outage).
    let down = false;
    const store = new Proxy(real, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (down) return Promise.reject(new Error("state store unreachable"));
          return value.apply(target, args);
        };
      },
    });
    const load = async (record: ModelVersionRecord) =>
      ({ version: record.version, close: async () => {} }) as unknown as ServingModel;
    const watcher = new RegistryWatcher(store, load);
    const loadErrors: string[] = [];
    const storeErrors: string[] = [];
    watcher.onError = (error) => loadErrors.push(error.message);
    watcher.onStoreError = (error) => storeErrors.push(error.message);
    await watcher.initial();
    down = true;
    for (let i = 0; i < 3; i++) await watcher.poll();
    down = false;
    await watcher.poll();
    down = true;
    await watcher.poll();
    assert.deepEqual([storeErrors.length, loadErrors.length], [2, 0]);
    await watcher.close();
  } finally {
    await real.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("a poll called while another is loading waits for it and checks again, so it sees the change made meanwhile", () =>
  withRegistry(async ({ dir, store, registry }) => {
    await registry.register(await tinyArtifact(join(dir, "src", "v2"), "v2"), cause);
    // v2's load is held until the test releases it, as a slow load on a busy machine.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const load = async (record: ModelVersionRecord) => {
      if (record.version === "v2") await held;
      return { version: record.version, close: async () => {} } as unknown as ServingModel;
    };
    const watcher = new RegistryWatcher(store, load);
    const swaps: string[] = [];
    watcher.onSwap = (set) =>
      swaps.push(`${set.canary?.version ?? "-"} ${set.experiment?.paused ? "paused" : "running"}`);
    await watcher.initial();
    await registry.startCanary("v2", 100, cause);
    const background = watcher.poll(); // what the timer does: it reads the canary's revision
    await new Promise((resolve) => setTimeout(resolve, 50));
    await registry.pause(cause);
    const explicit = watcher.poll(); // what a caller waiting for the pause does
    release();
    await explicit;
    assert.deepEqual(swaps, ["v2 running", "v2 paused"], "the pause was swapped in before the call returned");
    await background;
    await watcher.close();
  }));
