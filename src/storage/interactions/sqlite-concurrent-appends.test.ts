import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Interaction } from "../../core/types.js";
import { openInteractionStore } from "./open-interaction-store.js";

const WORKER = fileURLToPath(new URL("./testing/append-worker.ts", import.meta.url));

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-concurrent-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Writer {
  /** Resolves once the worker has opened the store and waits for `go`. */
  ready: Promise<void>;
  /** Lets the worker start appending. */
  go(): void;
  done: Promise<void>;
}

function startWriter(url: string, name: string, batches: number, size: number): Writer {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", WORKER, url, name, String(batches), String(size)],
    {
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`writer ${name} exited with ${code}: ${stderr}`)),
    );
  });
  const ready = Promise.race([
    new Promise<void>((resolve) => child.stdout.once("data", () => resolve())),
    done.then(() => {
      throw new Error(`writer ${name} exited before it was ready`);
    }),
  ]);
  return { ready, go: () => child.stdin.end("go\n"), done };
}

async function readEverything(url: string): Promise<Interaction[]> {
  const store = await openInteractionStore(url);
  try {
    const out: Interaction[] = [];
    for await (const batch of store.readAll(1000)) out.push(...batch);
    return out;
  } finally {
    await store.close();
  }
}

describe("SqliteInteractionStore with concurrent writers", () => {
  it("two processes appending to one file lose nothing and never split a batch", async (t) => {
    // The file does not exist yet: both processes also race to create it.
    const url = `sqlite:${join(dir, "shared", "two-processes.db")}`;
    const batches = 40;
    const size = 250;
    const writers = [startWriter(url, "a", batches, size), startWriter(url, "b", batches, size)];
    try {
      await Promise.all(writers.map((w) => w.ready));
    } finally {
      for (const w of writers) w.go();
    }
    await Promise.all(writers.map((w) => w.done));

    const rows = await readEverything(url);
    assert.equal(rows.length, 2 * batches * size);
    const next = new Map([
      ["a", 0],
      ["b", 0],
    ]);
    for (let start = 0; start < rows.length; start += size) {
      // Batches are atomic, so each run of `size` rows belongs to one writer's next batch, in order.
      const writer = rows[start].userId;
      const b = next.get(writer)!;
      for (let i = 0; i < size; i++) {
        const row = rows[start + i];
        assert.equal(row.itemId, `${writer}-${b}-${i}`, `row ${start + i}`);
        assert.equal(row.value, b * size + i);
      }
      next.set(writer, b + 1);
    }
    assert.deepEqual([...next.values()], [batches, batches]);
    let switches = 0;
    for (let i = size; i < rows.length; i += size) if (rows[i].userId !== rows[i - size].userId) switches++;
    // Not asserted (scheduling decides), but a run where the writers never alternated tested little.
    t.diagnostic(`the writers alternated ${switches} times over ${2 * batches} batches`);
  });

  it("two handles in one process see each other's appends", async () => {
    const url = `sqlite:${join(dir, "two-handles.db")}`;
    const first = await openInteractionStore(url);
    const second = await openInteractionStore(url);
    try {
      const row = (n: number): Interaction => ({ userId: "u", itemId: `i${n}`, type: "view", timestamp: n });
      await Promise.all([first.append([row(0)]), second.append([row(1)]), first.append([row(2)])]);
      await second.append([row(3), row(4)]);
      for (const store of [first, second]) {
        assert.equal(await store.count(), 5);
        assert.equal(await store.countSince(3), 2);
        const seen: Interaction[] = [];
        for await (const batch of store.readAll(2)) seen.push(...batch);
        assert.deepEqual(
          seen.map((x) => x.itemId),
          ["i0", "i1", "i2", "i3", "i4"],
        );
      }
    } finally {
      await first.close();
      await second.close();
    }
  });
});
