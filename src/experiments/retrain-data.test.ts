import assert from "node:assert/strict";
import { test } from "node:test";
import { type CsrMatrix, hasEntry, rowLength } from "../core/csr.js";
import { IdDictionary } from "../core/id-dictionary.js";
import { InteractionSink } from "../data/loaders/interaction-sink.js";
import { createLoadContext, finishDataset } from "../data/loaders/load-context.js";
import type { Recommendations, RecommendOptions } from "../models/recommender.js";
import { SqliteInteractionStore } from "../storage/interactions/sqlite-interaction-store.js";
import { championOnSplit } from "./offline-gate-evaluation.js";
import { CHAMPION_HISTORY, datasetFromStore, gateSplit } from "./retrain-data.js";

/** Users u0..u3 × items; (user, item, time): old data up to t = 100, fresh data at 200..207. */
function dataset() {
  const ctx = createLoadContext();
  const sink = new InteractionSink(ctx, "test", { user: "user", item: "item", type: "type" });
  const rows: [string, string, number][] = [
    ["u0", "a", 10],
    ["u1", "b", 20],
    ["u2", "a", 100],
    // Fresh: the newest half (204..207) is held out.
    ["u0", "b", 200],
    ["u1", "c", 201],
    ["u3", "a", 202],
    ["u0", "a", 203], // a repeat of an old pair: not a new pair, stays in train
    ["u2", "c", 204],
    ["u3", "b", 205],
    ["u1", "a", 206],
    ["u0", "c", 207],
  ];
  for (const [n, [u, i, t]] of rows.entries()) sink.add(n + 1, u, i, undefined, t, "click");
  return finishDataset(ctx, "test");
}

function pairs(m: CsrMatrix, users: string[], items: string[]): string[] {
  const out: string[] = [];
  for (let u = 0; u < m.nRows; u++)
    for (let e = m.indptr[u]; e < m.indptr[u + 1]; e++) out.push(`${users[u]}${items[m.indices[e]]}`);
  return out.sort();
}

test("the holdout is the newest share of the fresh interactions; the candidate trains on what came before", () => {
  const d = dataset();
  const { split, cut, training } = gateSplit(d, 100, 0.5);
  assert.equal(cut, 204);
  const users = d.users.toArray();
  const items = d.items.toArray();
  assert.deepEqual(pairs(split.test, users, items), ["u0c", "u1a", "u2c", "u3b"]);
  assert.deepEqual(pairs(split.train, users, items), ["u0a", "u0b", "u1b", "u1c", "u2a", "u3a"]);
  assert.equal(training.interactionCount, 7, "raw events before the cut, the repeat included");
  assert.equal(training.maxTimestamp, 203);
  assert.equal(training.interactions?.length, 7);
  assert.ok(training.interactions?.timestamp.every((t) => t < cut));
});

test("with no fresh interactions nothing is held out", () => {
  const { split, cut } = gateSplit(dataset(), 1000, 0.5);
  assert.equal(cut, Number.POSITIVE_INFINITY);
  assert.equal(split.test.indices.length, 0);
});

test("the champion is scored in the gate's index space: unknown users as −1, seen items dropped", () => {
  const d = dataset();
  const { split } = gateSplit(d, 100, 0.5);
  const calls: { users: number[]; k: number }[] = [];
  // A champion that knew users 0..1 and ranks items 0, 1, 2 in that order for everyone.
  const champion = {
    kind: "fixed",
    recommend(userIndices: Int32Array, options: RecommendOptions): Recommendations {
      calls.push({ users: [...userIndices], k: options.k });
      const items = new Int32Array(userIndices.length * options.k).fill(-1);
      const scores = new Float32Array(userIndices.length * options.k);
      for (let b = 0; b < userIndices.length; b++)
        for (let r = 0; r < Math.min(3, options.k); r++) {
          items[b * options.k + r] = r;
          scores[b * options.k + r] = 3 - r;
        }
      return { k: options.k, items, scores };
    },
  };
  const wrapped = championOnSplit(champion, 2);
  const recs = wrapped.recommend(Int32Array.from([0, 1, 2, 3]), { k: 2, exclude: split.train });
  assert.deepEqual(calls[0].users, [0, 1, -1, -1]);
  const extra = Math.max(...[0, 1, 2, 3].map((u) => rowLength(split.train, u)));
  assert.equal(calls[0].k, 2 + extra);
  for (let b = 0; b < 4; b++) {
    const list = [...recs.items.subarray(b * 2, b * 2 + 2)].filter((i) => i >= 0);
    for (const item of list)
      assert.equal(hasEntry(split.train, b, item), false, `user ${b} got seen item ${item}`);
  }
  // u3 (unknown to the champion) saw item a (index 0) before the cut: its list skips it.
  assert.deepEqual([...recs.items.subarray(6, 8)], [1, 2]);
});

test("a store without history borrows the champion's training pairs; a store with history is used as it is", async () => {
  // A champion that trained on u0–a (weight 2) and u1–b (weight 5), up to t = 100.
  const champion = {
    manifest: { kind: "popularity", dataSnapshot: { interactions: 2 } },
    users: IdDictionary.from(["u0", "u1"]),
    items: IdDictionary.from(["a", "b"]),
    train: {
      nRows: 2,
      nCols: 2,
      indptr: Int32Array.from([0, 1, 2]),
      indices: Int32Array.from([0, 1]),
      values: Float32Array.from([2, 5]),
    },
  } as unknown as Parameters<typeof datasetFromStore>[1];
  const store = new SqliteInteractionStore(":memory:");
  await store.append([{ userId: "u2", itemId: "a", type: "click", timestamp: 150 }]);
  const borrowed = await datasetFromStore(store, champion, 100);
  const t = borrowed.interactions;
  assert.equal(t.length, 3);
  assert.deepEqual([...t.weight], [2, 5, 2]);
  assert.deepEqual([...t.timestamp], [100, 100, 150]);
  assert.equal(t.types.idAt(t.typeCode[0]), CHAMPION_HISTORY);
  assert.deepEqual(borrowed.users.toArray(), ["u0", "u1", "u2"]);
  // Stand-in rows train (they are before any cut) but are not events for context-aware parts.
  const { training } = gateSplit(borrowed, 100, 0.5);
  assert.equal(training.matrix.indices.length, 2);
  assert.equal(training.interactions?.length, 0);

  // Part of the history (one of the two interactions trained on) is not enough: stand-ins, and the
  // store's old row is not counted twice.
  await store.append([{ userId: "u0", itemId: "a", type: "click", timestamp: 50 }]);
  const partial = await datasetFromStore(store, champion, 100);
  assert.deepEqual([...partial.interactions.timestamp], [100, 100, 150]);

  await store.append([{ userId: "u1", itemId: "b", type: "booking", timestamp: 60 }]);
  const own = await datasetFromStore(store, champion, 100);
  assert.deepEqual([...own.interactions.timestamp], [150, 50, 60], "the store's own history, no stand-ins");
  await store.close();
});
