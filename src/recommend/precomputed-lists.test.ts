import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadCityModel, trainedCityModel } from "../server/testing/serving-fixture.js";
import { MemoryFeatureStore } from "../storage/features/memory-feature-store.js";
import { pushUserVectors } from "../storage/features/push-user-vectors.js";
import { candidateFilter } from "./candidate-filter.js";
import { GuardedFeatureStore } from "./guarded-feature-store.js";
import { ListWorkers } from "./list-workers.js";
import {
  decodeList,
  encodeList,
  listsInProcess,
  precomputeList,
  rankPrecomputed,
  storedList,
} from "./precomputed-lists.js";
import { RecommendService } from "./recommend-service.js";
import type { RecommendRequest } from "./recommend-types.js";
import { ServingModel } from "./serving-model.js";

describe("precomputed list bytes", () => {
  it("round-trip items, scores, shifts and reasons", () => {
    const list = {
      items: Int32Array.of(7, 0, 123456),
      scores: Float32Array.of(1.5, -0.25, 3e-8),
      shifts: Float32Array.of(0, 0.5, -2),
      reasons: Uint16Array.of(0x4321, 1, 65535),
    };
    assert.deepEqual(decodeList(encodeList(list), "k"), list);
    const noShifts = decodeList(
      encodeList({ items: Int32Array.of(3), scores: Float32Array.of(2), reasons: [2] }),
      "k",
    );
    assert.deepEqual(noShifts.shifts, Float32Array.of(0));
  });

  it("reject a value that is not whole entries, naming where it came from", () => {
    assert.throws(
      () => decodeList(new Uint8Array(15), "ul:v1:alice"),
      /ul:v1:alice: 15 bytes is not a candidate list/,
    );
  });
});

/**
 * Two services over the same fixture model and pushed vectors, one also holding the pushed
 * lists: a plain request must get the same answer either way, however the catalogue changed.
 */
async function twoServices(listSize: number) {
  const loaded = await loadCityModel();
  const withLists = ServingModel.from(loaded);
  const withoutLists = ServingModel.from(await loadCityModel());
  const listed = new MemoryFeatureStore();
  const bare = new MemoryFeatureStore();
  await pushUserVectors(loaded, listed, { lists: listsInProcess(withLists, listSize), batchSize: 64 });
  await pushUserVectors(loaded, bare);
  const hits = { hit: 0, miss: 0 };
  const service = new RecommendService(withLists, new GuardedFeatureStore(listed), {}, (cache, hit) => {
    if (cache === "precomputed") hits[hit ? "hit" : "miss"]++;
  });
  const reference = new RecommendService(withoutLists, new GuardedFeatureStore(bare));
  const users = Array.from({ length: loaded.users.size }, (_, u) => loaded.users.idAt(u));
  return { service, reference, users, hits, models: [withLists, withoutLists] };
}

type Services = Awaited<ReturnType<typeof twoServices>>;

/** Every user's answer from both services, compared item by item. */
async function assertSameAnswers(s: Services, request: Omit<RecommendRequest, "userId">): Promise<void> {
  for (const userId of s.users) {
    const got = await s.service.recommend({ ...request, userId });
    const want = await s.reference.recommend({ ...request, userId });
    assert.equal(got.source, "stored-vector");
    assert.deepEqual(
      got.items.map((i) => i.itemId),
      want.items.map((i) => i.itemId),
      `${userId}: items`,
    );
    got.items.forEach((item, c) => {
      assert.ok(Math.abs(item.score - want.items[c].score) < 1e-5, `${userId}: score of ${item.itemId}`);
      assert.deepEqual(item.reasons, want.items[c].reasons, `${userId}: reasons of ${item.itemId}`);
    });
  }
}

const PLAIN = { k: 10, exclude: [], diversity: 0 };

describe("serving from precomputed lists", () => {
  it("answers plain requests exactly as the index path does, and only those", async () => {
    const s = await twoServices(30);
    await assertSameAnswers(s, PLAIN);
    assert.equal(s.hits.hit, s.users.length, "every plain request was answered from its list");
    assert.equal(s.hits.miss, 0);
    // A place, a time or diversity: the list was not computed for them, so it is not consulted.
    const before = s.hits.hit + s.hits.miss;
    await assertSameAnswers(s, { ...PLAIN, diversity: 0.5 });
    await assertSameAnswers(s, { ...PLAIN, at: Date.parse("2026-11-27T12:30:00Z") / 1000 });
    assert.equal(s.hits.hit + s.hits.miss, before);
  });

  it("merges items added since training, drops deleted and excluded ones", async () => {
    const s = await twoServices(30);
    const first = await s.reference.recommend({ ...PLAIN, userId: s.users[0] });
    // Deleting every user's favourite of the moment and adding near-copies of it as new items.
    const top = first.items[0].itemId;
    const template = s.models[0].catalog.metadata(s.models[0].catalog.ids.indexOf(top));
    assert.ok(template, "the city's items have metadata");
    for (const service of [s.service, s.reference]) {
      service.deleteItem(top);
      for (let n = 0; n < 5; n++) service.upsertItem({ ...template, itemId: `new-${n}` });
    }
    await assertSameAnswers(s, PLAIN);
    const after = await s.service.recommend({ ...PLAIN, userId: s.users[0] });
    assert.ok(!after.items.some((i) => i.itemId === top), "a deleted item never appears");
    // The city's added items rarely make a top 10 on content alone, so the merge is checked
    // directly too: against a list scored far below them, they come first, scored exactly.
    const model = s.models[0];
    const q = model.queryFor(0, []);
    const computed = precomputeList(model, 0, q, 30);
    const lowered = { ...computed, scores: computed.scores.map((score) => score - 1000) };
    const list = storedList(encodeList(lowered), "user 0");
    const accept = candidateFilter(model.catalog, {
      seen: new Set(model.trainedItems(0)),
      exclude: new Set(),
    });
    const ranked = rankPrecomputed(model, q, list, accept, () => null, 10);
    assert.ok(ranked);
    const added = ranked.slice(0, 5).map((e) => model.catalog.ids.idAt(e.item));
    assert.deepEqual(added.sort(), ["new-0", "new-1", "new-2", "new-3", "new-4"]);
    for (const entry of ranked.slice(0, 5)) {
      assert.ok(Math.abs(entry.score - model.score(q, entry.item)) < 1e-6);
      assert.equal(entry.reasons, -1, "an added item's reasons are computed by the caller");
    }
    assert.ok(ranked[5].score < -900, "then the list, in its order");
    await assertSameAnswers(s, { ...PLAIN, exclude: after.items.slice(0, 3).map((i) => i.itemId) });
    assert.equal(s.hits.miss, 0);
  });

  it("ranks a list stored out of order as the sorted list, ties by item", async () => {
    const model = ServingModel.from(await loadCityModel());
    const q = model.queryFor(0, []);
    const computed = precomputeList(model, 0, q, 30);
    // Reversed, with the first two entries given the same score: the answer must not depend
    // on the stored order (the usual case reads the first k accepted entries as they are).
    const order = Array.from(computed.items.keys()).reverse();
    const scores = Float32Array.from(order, (c) => computed.scores[c]);
    scores[1] = scores[0];
    const shuffled = {
      items: Int32Array.from(order, (c) => computed.items[c]),
      scores,
      shifts: Float32Array.from(order, (c) => computed.shifts?.[c] ?? 0),
      reasons: Uint16Array.from(order, (c) => computed.reasons[c]),
    };
    const accept = candidateFilter(model.catalog, { seen: new Set(), exclude: new Set() });
    const ranked = rankPrecomputed(model, q, storedList(encodeList(shuffled), "u"), accept, () => null, 10);
    assert.ok(ranked);
    const expected = Array.from(shuffled.items.keys())
      .map((c) => ({
        item: shuffled.items[c],
        score: shuffled.scores[c],
        shift: shuffled.shifts[c],
        reasons: shuffled.reasons[c],
      }))
      .sort((a, b) => b.score - a.score || a.item - b.item)
      .slice(0, 10);
    assert.deepEqual(ranked, expected);
  });

  it("counts a list that does not decode as a miss and answers from the index", async () => {
    const s = await twoServices(30);
    const loaded = await loadCityModel();
    const corrupt = new MemoryFeatureStore();
    await pushUserVectors(loaded, corrupt, {
      lists: { threads: 1, lists: async (a, b) => Array.from({ length: b - a }, () => new Uint8Array(15)) },
    });
    let misses = 0;
    const service = new RecommendService(s.models[0], new GuardedFeatureStore(corrupt), {}, (cache, hit) => {
      if (cache === "precomputed" && !hit) misses++;
    });
    await assertSameAnswers({ ...s, service }, PLAIN);
    assert.equal(misses, s.users.length);
  });

  it("hands a request the list cannot fill to the index", async () => {
    const s = await twoServices(12);
    await assertSameAnswers(s, { ...PLAIN, k: 20 });
    assert.equal(s.hits.hit, 0);
    assert.equal(s.hits.miss, s.users.length);
  });
});

describe("ListWorkers", () => {
  it("compute on worker threads the lists this thread computes", async () => {
    const loaded = await loadCityModel();
    const here = listsInProcess(ServingModel.from(loaded), 20);
    const workers = await ListWorkers.start((await trainedCityModel()).modelDir, 20, 2);
    try {
      const ranges: [number, number][] = [
        [0, 100],
        [100, 200],
        [200, loaded.users.size],
      ];
      const fromWorkers = await Promise.all(ranges.map(([a, b]) => workers.lists(a, b)));
      const fromHere = await Promise.all(ranges.map(([a, b]) => here.lists(a, b)));
      assert.deepEqual(
        fromWorkers.flat().map((l) => [...l]),
        fromHere.flat().map((l) => [...l]),
      );
      assert.equal(fromWorkers.flat().length, loaded.users.size);
      assert.ok(fromWorkers.flat().every((l) => l.byteLength === 20 * 14));
    } finally {
      await workers.close();
    }
  });
});
