import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InputError } from "../../core/errors.js";
import type { Interaction } from "../../core/types.js";
import type { InteractionStore } from "./interaction-store.js";

/** Hooks a backend gives the contract beyond opening a fresh store. */
export interface InteractionStoreContractOptions {
  /** Opens another handle on the data behind `store` (which may be closed); omit for stores that forget on close. */
  reopen?: (store: InteractionStore) => Promise<InteractionStore>;
}

/** Makes `n` distinct interactions; row `i` has item `item-{start+i}` and the given timestamp. */
function rows(
  n: number,
  start = 0,
  timestamp: (i: number) => number = (i) => 1_700_000_000 + i,
): Interaction[] {
  return Array.from({ length: n }, (_, k) => {
    const i = start + k;
    return {
      userId: `user-${i % 7}`,
      itemId: `item-${i}`,
      type: i % 3 === 0 ? "view" : "click",
      timestamp: timestamp(i),
    };
  });
}

async function collect(batches: AsyncIterable<Interaction[]>): Promise<Interaction[][]> {
  const out: Interaction[][] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

async function readEverything(store: InteractionStore, batchSize?: number): Promise<Interaction[]> {
  return (await collect(store.readAll(batchSize))).flat();
}

/**
 * Registers the node:test suite every `InteractionStore` backend must pass. `open` must return a
 * fresh, empty store on each call; the contract closes what it opens.
 */
export function runInteractionStoreContract(
  name: string,
  open: () => Promise<InteractionStore>,
  options: InteractionStoreContractOptions = {},
): void {
  async function withStore(body: (store: InteractionStore) => Promise<void>): Promise<void> {
    const store = await open();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  }

  describe(`InteractionStore contract: ${name}`, () => {
    it("starts empty and counts what is appended", () =>
      withStore(async (store) => {
        assert.equal(await store.count(), 0);
        assert.deepEqual(await collect(store.readAll()), []);
        await store.append(rows(3));
        assert.equal(await store.count(), 3);
        await store.append([]);
        assert.equal(await store.count(), 3);
      }));

    it("preserves append order across batches, whatever the timestamps", () =>
      withStore(async (store) => {
        const batches = [rows(4, 0, (i) => 100 - i), rows(1, 4, () => 5), rows(6, 5, (i) => (i * 37) % 11)];
        for (const batch of batches) await store.append(batch);
        assert.deepEqual(await readEverything(store), batches.flat());
      }));

    it("readAll yields every row once in batches of at most batchSize", () =>
      withStore(async (store) => {
        const all = rows(25);
        await store.append(all);
        const sizes = async (size?: number) => (await collect(store.readAll(size))).map((b) => b.length);
        assert.deepEqual(await sizes(7), [7, 7, 7, 4]);
        assert.deepEqual(await sizes(5), [5, 5, 5, 5, 5]);
        assert.deepEqual(await sizes(1000), [25]);
        assert.deepEqual(await sizes(), [25]);
        assert.deepEqual(await readEverything(store, 7), all);
        assert.deepEqual(await readEverything(store, 1), all);
      }));

    it("readAll is a snapshot of the rows present when it starts", () =>
      withStore(async (store) => {
        await store.append(rows(10));
        const seen: Interaction[] = [];
        for await (const batch of store.readAll(3)) {
          if (seen.length === 0) await store.append(rows(5, 10));
          seen.push(...batch);
        }
        assert.deepEqual(seen, rows(10));
        assert.equal((await readEverything(store)).length, 15);
      }));

    const stamps = [30, 10, 20, 20, 40, 5, 1_700_000_000.25];
    const stamped = rows(stamps.length, 0, (i) => stamps[i]);
    const since = async (store: InteractionStore, t: number, batchSize?: number) =>
      (await collect(store.readSince(t, batchSize))).flat().map((x) => x.timestamp);

    it("readSince includes the boundary and keeps append order", () =>
      withStore(async (store) => {
        await store.append(stamped);
        assert.deepEqual(await since(store, 20), [30, 20, 20, 40, 1_700_000_000.25]);
        assert.deepEqual(await since(store, 20.5), [30, 40, 1_700_000_000.25]);
        assert.deepEqual(await since(store, 1_700_000_000.25), [1_700_000_000.25]);
        assert.deepEqual(await since(store, 1_700_000_000.5), []);
        assert.deepEqual(await since(store, 5), stamps);
        assert.deepEqual(await since(store, Number.NEGATIVE_INFINITY), stamps);
        const ones = await collect(store.readSince(20, 1));
        assert.deepEqual(
          ones.map((b) => b.length),
          [1, 1, 1, 1, 1],
        );
        assert.deepEqual(await since(store, 20, 2), [30, 20, 20, 40, 1_700_000_000.25]);
        const full = (await collect(store.readSince(40))).flat();
        assert.deepEqual(full, [stamped[4], stamped[6]]);
      }));

    it("countSince counts rows with timestamp >= since", () =>
      withStore(async (store) => {
        assert.equal(await store.countSince(0), 0);
        await store.append(stamped);
        assert.equal(await store.countSince(20), 5);
        assert.equal(await store.countSince(20.5), 3);
        assert.equal(await store.countSince(1_700_000_000.25), 1);
        assert.equal(await store.countSince(Number.NEGATIVE_INFINITY), stamps.length);
        assert.equal(await store.countSince(Number.POSITIVE_INFINITY), 0);
      }));

    it("round-trips the optional value: absent stays absent, 0 stays 0", () =>
      withStore(async (store) => {
        const values = [undefined, 0, 1, -1.5, 4.25, 1e300, -1e-300];
        const batch = values.map((value, i): Interaction => {
          const base = { userId: "u", itemId: `i${i}`, type: "rating", timestamp: i };
          return value === undefined ? base : { ...base, value };
        });
        await store.append(batch);
        const back = await readEverything(store);
        assert.deepEqual(back, batch);
        assert.equal("value" in back[0], false);
        assert.equal(back[1].value, 0);
      }));

    it("round-trips ids exactly, unicode included", () =>
      withStore(async (store) => {
        const ids = [
          "café",
          "cafe\u0301",
          "用户-42",
          "🍜 ramen 🍣",
          "مطعم",
          "'; DROP TABLE interactions; --",
          "x".repeat(256),
        ];
        const batch = ids.map((id, i) => ({
          userId: id,
          itemId: ids[ids.length - 1 - i],
          type: "réservation",
          timestamp: i,
        }));
        await store.append(batch);
        assert.deepEqual(await readEverything(store), batch);
      }));

    it("rejects an invalid batch as a whole, naming the index and field", () =>
      withStore(async (store) => {
        const good = rows(2);
        await store.append(good);
        const valid = rows(3, 100);
        const cases: [bad: Record<string, unknown>, index: number, field: string][] = [
          [{ ...valid[0], userId: "" }, 2, "userId"],
          [{ ...valid[0], timestamp: Number.NaN }, 0, "timestamp"],
          [{ userId: "u", type: "view", timestamp: 1 }, 1, "itemId"],
          [{ ...valid[0], value: Number.POSITIVE_INFINITY }, 3, "value"],
          [{ ...valid[0], itemId: "bad\nid" }, 2, "itemId"],
          [{ ...valid[0], type: "" }, 1, "type"],
        ];
        for (const [bad, index, field] of cases) {
          const batch: unknown[] = [...valid];
          batch.splice(index, 0, bad);
          await assert.rejects(store.append(batch as Interaction[]), (error: unknown) => {
            assert.ok(error instanceof InputError, `expected InputError, got ${String(error)}`);
            assert.match(error.message, new RegExp(`\\[${index}\\]`));
            assert.equal(error.location.field, field);
            return true;
          });
        }
        assert.equal(await store.count(), 2);
        assert.deepEqual(await readEverything(store), good);
      }));

    it("rejects bad read arguments", () =>
      withStore(async (store) => {
        await store.append(rows(3));
        for (const size of [0, -1, 1.5, Number.NaN]) {
          await assert.rejects(collect(store.readAll(size)), InputError);
          await assert.rejects(collect(store.readSince(0, size)), InputError);
        }
        await assert.rejects(collect(store.readSince(Number.NaN)), InputError);
        await assert.rejects(store.countSince(Number.NaN), InputError);
      }));

    it("appends and streams back a 50k-row batch", () =>
      withStore(async (store) => {
        const big = rows(50_000);
        await store.append(big);
        assert.equal(await store.count(), 50_000);
        const batches = await collect(store.readAll(10_000));
        assert.deepEqual(
          batches.map((b) => b.length),
          [10_000, 10_000, 10_000, 10_000, 10_000],
        );
        const back = batches.flat();
        for (let i = 0; i < back.length; i += 997) assert.deepEqual(back[i], big[i]);
        assert.deepEqual(back[back.length - 1], big[big.length - 1]);
        assert.equal(await store.countSince(big[40_000].timestamp), 10_000);
        assert.equal((await collect(store.readSince(big[40_000].timestamp))).flat()[0].itemId, "item-40000");
      }));

    it("keeps its data across close and reopen", { skip: options.reopen === undefined }, async () => {
      const reopen = options.reopen!;
      const first = await open();
      const before = rows(20, 0, (i) => i);
      await first.append(before);
      await first.close();
      const second = await reopen(first);
      try {
        assert.equal(await second.count(), 20);
        assert.deepEqual(await readEverything(second, 6), before);
        await second.append(rows(5, 20, (i) => i));
        assert.deepEqual(
          await readEverything(second),
          rows(25, 0, (i) => i),
        );
        assert.equal(await second.countSince(20), 5);
      } finally {
        await second.close();
      }
    });

    it("appendFrom writes rows and the source's position together; positions are per source", () =>
      withStore(async (store) => {
        assert.equal(await store.positionOf("events"), null);
        await store.appendFrom("events", "7", rows(3));
        await store.appendFrom("other", "a", rows(1, 3));
        await store.appendFrom("events", "9", []);
        assert.equal(await store.positionOf("events"), "9");
        assert.equal(await store.positionOf("other"), "a");
        assert.equal(await store.count(), 4);
      }));

    it("appendFrom rejects a bad batch without moving the position", () =>
      withStore(async (store) => {
        await store.appendFrom("events", "1", rows(2));
        const bad = [...rows(1, 2), { ...rows(1, 3)[0], userId: "" }];
        await assert.rejects(store.appendFrom("events", "2", bad), InputError);
        await assert.rejects(store.appendFrom("", "2", rows(1)), InputError);
        assert.equal(await store.positionOf("events"), "1");
        assert.equal(await store.count(), 2);
      }));

    it("close is idempotent and later calls reject", async () => {
      const store = await open();
      await store.close();
      await store.close();
      await assert.rejects(store.count());
      await assert.rejects(store.append(rows(1)));
      await assert.rejects(collect(store.readAll()));
    });
  });
}
