import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Item } from "../../core/types.js";
import type { FeatureStore, RecentEvent } from "./feature-store.js";

/** What the contract asks of a backend's `open`: a fresh, empty store keeping `maxRecent` events per user. */
export type OpenFeatureStoreForContract = (options: { maxRecent: number }) => Promise<FeatureStore>;

/** A vector whose bytes catch any lossy path: -0, infinities, a denormal and a NaN with a payload. */
function trickyVector(seed: number): Float32Array {
  const vector = Float32Array.of(seed, -0, 0.1, Infinity, -Infinity, 1.4e-45, 3.4028234663852886e38, 0);
  // A NaN whose payload a conversion through a JS number could canonicalise away.
  new Uint32Array(vector.buffer)[7] = 0x7fc0_0000 + seed + 1;
  return vector;
}

function bytes(vector: Float32Array | null): Uint8Array | null {
  return vector && new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
}

function event(i: number, withValue = false): RecentEvent {
  const e: RecentEvent = {
    itemId: `item-${i}`,
    type: i % 2 ? "click" : "view",
    timestamp: 1_700_000_000 + i,
  };
  if (withValue) e.value = i + 0.5;
  return e;
}

function item(id: string, title = id): Item {
  return {
    itemId: id,
    title,
    categories: ["thai"],
    price: 2,
    lat: 52.5,
    lon: 13.4,
    attributes: { seats: 40 },
  };
}

/**
 * Registers the node:test suite every `FeatureStore` backend must pass. `open` must return a
 * fresh, empty store on each call; the contract closes what it opens.
 */
export function runFeatureStoreContract(name: string, open: OpenFeatureStoreForContract): void {
  async function withStore(body: (store: FeatureStore) => Promise<void>, maxRecent = 5): Promise<void> {
    const store = await open({ maxRecent });
    try {
      await body(store);
    } finally {
      await store.close();
    }
  }

  describe(`FeatureStore contract: ${name}`, () => {
    it("knows nothing about an unknown user", () =>
      withStore(async (store) => {
        assert.deepEqual(await store.getUser("nobody", "v1"), {
          vector: null,
          list: null,
          recent: [],
          preferences: null,
        });
        assert.deepEqual(await store.itemChanges(), { upserts: [], deletes: [] });
      }));

    it("round-trips user vectors bit-exactly, per model version", () =>
      withStore(async (store) => {
        const a = trickyVector(1);
        const b = trickyVector(2);
        await store.putUserVectors("v1", [
          { userId: "alice", vector: a },
          { userId: "bob", vector: b },
        ]);
        await store.putUserVectors("v1", []);
        const original = a.slice();
        a[0] = 99; // the store keeps what it was given, not a live view
        assert.deepEqual(bytes((await store.getUser("alice", "v1")).vector), bytes(original));
        assert.deepEqual(bytes((await store.getUser("bob", "v1")).vector), bytes(b));
        assert.equal((await store.getUser("alice", "v2")).vector, null);

        const other = Float32Array.of(7, 8, 9);
        await store.putUserVectors("v2", [{ userId: "alice", vector: other }]);
        assert.deepEqual(bytes((await store.getUser("alice", "v2")).vector), bytes(other));
        assert.deepEqual(bytes((await store.getUser("alice", "v1")).vector), bytes(original));

        // A vector can be a view into a larger buffer; only its own bytes are stored.
        const backing = Float32Array.of(1, 2, 3, 4, 5);
        await store.putUserVectors("v1", [{ userId: "alice", vector: backing.subarray(1, 3) }]);
        const replaced = (await store.getUser("alice", "v1")).vector;
        assert.deepEqual(replaced, Float32Array.of(2, 3));
        replaced?.fill(0);
        assert.deepEqual((await store.getUser("alice", "v1")).vector, Float32Array.of(2, 3));
      }));

    it("stores a candidate list beside the vector, per model version; a push without one removes it", () =>
      withStore(async (store) => {
        const list = Uint8Array.of(1, 0, 0, 0, 255, 7, 0, 128, 0, 0, 192, 127);
        const listOf = async (version: string) => {
          const found = (await store.getUser("alice", version)).list;
          return found && Uint8Array.from(found);
        };
        await store.putUserVectors("v1", [{ userId: "alice", vector: Float32Array.of(1), list }]);
        await store.putUserVectors("v2", [{ userId: "alice", vector: Float32Array.of(2) }]);
        list[0] = 9; // the store keeps what it was given
        assert.deepEqual(await listOf("v1"), Uint8Array.of(1, 0, 0, 0, 255, 7, 0, 128, 0, 0, 192, 127));
        assert.equal(await listOf("v2"), null);
        assert.equal((await store.getUser("bob", "v1")).list, null);
        await store.putUserVectors("v1", [{ userId: "alice", vector: Float32Array.of(3) }]);
        assert.equal(await listOf("v1"), null);
        assert.deepEqual((await store.getUser("alice", "v1")).vector, Float32Array.of(3));
      }));

    it("keeps a model version and a user id containing ':' apart", () =>
      withStore(async (store) => {
        await store.putUserVectors("v:1", [{ userId: "u", vector: Float32Array.of(1) }]);
        await store.putUserVectors("v", [{ userId: "1:u", vector: Float32Array.of(2) }]);
        assert.deepEqual((await store.getUser("u", "v:1")).vector, Float32Array.of(1));
        assert.deepEqual((await store.getUser("1:u", "v")).vector, Float32Array.of(2));
      }));

    it("returns recent events newest first, per user, capped", () =>
      withStore(async (store) => {
        await store.appendRecent([
          { userId: "alice", event: event(1, true) },
          { userId: "bob", event: event(100) },
          { userId: "alice", event: event(2) },
          { userId: "alice", event: event(3) },
        ]);
        await store.appendRecent([]);
        assert.deepEqual((await store.getUser("alice", "v1")).recent, [event(3), event(2), event(1, true)]);
        assert.deepEqual((await store.getUser("bob", "v1")).recent, [event(100)]);

        await store.appendRecent([4, 5, 6, 7].map((i) => ({ userId: "alice", event: event(i, i === 6) })));
        assert.deepEqual(
          (await store.getUser("alice", "v1")).recent,
          [7, 6, 5, 4, 3].map((i) => event(i, i === 6)),
        );
        // More events in one call than the cap keeps only the newest.
        await store.appendRecent(
          [10, 11, 12, 13, 14, 15, 16].map((i) => ({ userId: "bob", event: event(i) })),
        );
        assert.deepEqual(
          (await store.getUser("bob", "v1")).recent,
          [16, 15, 14, 13, 12].map((i) => event(i)),
        );
      }));

    it("keeps recent events whose ids hold newlines, quotes and non-ASCII text", () =>
      withStore(async (store) => {
        const odd = ["line\nbreak", 'quo"te\\', "café\r\n☕"].map((itemId, i) => ({
          itemId,
          type: "click",
          timestamp: i,
        }));
        await store.appendRecent(odd.map((e) => ({ userId: "a\nb", event: e })));
        assert.deepEqual((await store.getUser("a\nb", "v1")).recent, [...odd].reverse());
      }));

    it("returns copies of recent events", () =>
      withStore(async (store) => {
        await store.appendRecent([{ userId: "alice", event: event(1) }]);
        const first = await store.getUser("alice", "v1");
        first.recent[0].itemId = "changed";
        first.recent.push(event(9));
        assert.deepEqual((await store.getUser("alice", "v1")).recent, [event(1)]);
      }));

    it("round-trips preferences; a new write replaces the old one", () =>
      withStore(async (store) => {
        const preferences = {
          cuisines: ["thai", "ramen"],
          price_min: 1,
          price_max: 3,
          home_lat: 52.5,
          home_lon: 13.4,
        };
        await store.putPreferences("alice", preferences);
        assert.deepEqual((await store.getUser("alice", "v1")).preferences, preferences);
        await store.putPreferences("alice", { cuisines: ["pizza"] });
        assert.deepEqual((await store.getUser("alice", "v1")).preferences, { cuisines: ["pizza"] });
        await store.putPreferences("bob", {});
        assert.deepEqual((await store.getUser("bob", "v1")).preferences, {});
        assert.equal((await store.getUser("carol", "v1")).preferences, null);
      }));

    it("reports item upserts and deletes; the latest change of an id wins", () =>
      withStore(async (store) => {
        await store.putItem(item("b"));
        await store.putItem(item("a"));
        await store.putItem(item("c"));
        await store.deleteItem("c");
        await store.deleteItem("z"); // never put: a tombstone for a trained item
        assert.deepEqual(await store.itemChanges(), { upserts: [item("a"), item("b")], deletes: ["c", "z"] });

        await store.putItem(item("c", "back again"));
        await store.putItem(item("a", "renamed"));
        assert.deepEqual(await store.itemChanges(), {
          upserts: [item("a", "renamed"), item("b"), item("c", "back again")],
          deletes: ["z"],
        });
        await store.deleteItem("a");
        await store.deleteItem("a");
        assert.deepEqual(await store.itemChanges(), {
          upserts: [item("b"), item("c", "back again")],
          deletes: ["a", "z"],
        });
      }));

    it("moves its item change tag on every upsert and delete, and only then", () =>
      withStore(async (store) => {
        assert.equal(await store.itemChangesTag(), null);
        const seen = new Set<string | null>([null]);
        const step = async (change: Promise<void>) => {
          await change;
          const tag = await store.itemChangesTag();
          assert.ok(!seen.has(tag), `tag ${tag} repeated`);
          seen.add(tag);
          // Reads, and writes of other kinds, leave it alone.
          await store.itemChanges();
          await store.putPreferences("someone", { cuisines: ["thai"] });
          assert.equal(await store.itemChangesTag(), tag);
        };
        await step(store.putItem(item("a")));
        await step(store.putItem(item("a", "again")));
        await step(store.deleteItem("a"));
        await step(store.deleteItem("never-put"));
      }));

    it("keeps users, preferences and vectors independent of each other", () =>
      withStore(async (store) => {
        await store.putUserVectors("v1", [{ userId: "alice", vector: Float32Array.of(1) }]);
        await store.appendRecent([{ userId: "bob", event: event(1) }]);
        await store.putPreferences("carol", { cuisines: ["thai"] });
        assert.deepEqual(await store.getUser("alice", "v1"), {
          vector: Float32Array.of(1),
          list: null,
          recent: [],
          preferences: null,
        });
        assert.deepEqual(await store.getUser("bob", "v1"), {
          vector: null,
          list: null,
          recent: [event(1)],
          preferences: null,
        });
        assert.deepEqual(await store.getUser("carol", "v1"), {
          vector: null,
          list: null,
          recent: [],
          preferences: { cuisines: ["thai"] },
        });
      }));

    it("rejects calls after close, and closing twice is harmless", async () => {
      const store = await open({ maxRecent: 5 });
      await store.close();
      await store.close();
      await assert.rejects(store.getUser("alice", "v1"));
      await assert.rejects(store.appendRecent([{ userId: "alice", event: event(1) }]));
    });
  });
}
