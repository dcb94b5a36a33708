import assert from "node:assert/strict";
import { test } from "node:test";
import { PART_REASON } from "../models/hybrid/hybrid-part.js";
import { loadCityModel } from "../server/testing/serving-fixture.js";
import { candidateFilter } from "./candidate-filter.js";
import { retrieve } from "./retrieve.js";
import { ServingModel } from "./serving-model.js";

test("the serving path finds the same top 10 through HNSW as through the exact scan", async () => {
  const exact = ServingModel.from(await loadCityModel(), { exactBelow: Number.MAX_SAFE_INTEGER });
  const ann = ServingModel.from(await loadCityModel(), { exactBelow: 0, background: false });
  let hits = 0;
  let total = 0;
  for (let u = 0; u < 50; u++) {
    const q = exact.queryFor(u, []);
    const rules = { seen: new Set(exact.trainedItems(u)), exclude: new Set<number>() };
    const a = retrieve(exact, q, 10, candidateFilter(exact.catalog, rules));
    const b = retrieve(ann, q, 10, candidateFilter(ann.catalog, rules));
    const truth = new Set(a.items);
    for (const item of b.items) if (truth.has(item)) hits++;
    total += a.items.length;
  }
  assert.ok(hits / total >= 0.95, `recall@10 ${hits / total}`);
  await ann.close();
});

test("an item added at serve time is found by the index and scored like its row", async () => {
  const model = ServingModel.from(await loadCityModel(), { exactBelow: 0, background: false });
  const template = model.catalog.metadata(0);
  assert.ok(template);
  const { index, added } = model.upsertItem({ ...template, itemId: "added" });
  assert.ok(added);
  assert.equal(index, model.catalog.modelItems);
  // Querying with the item's own row must find it among the best.
  const found = model.index.search(model.rowOf(index), 5);
  assert.ok([...found.indices].includes(index));
  await model.close();
});

test("reasons name the parts adding at least 15% of the positive contributions, largest first", async () => {
  const model = ServingModel.from(await loadCityModel(), { exactBelow: Number.MAX_SAFE_INTEGER });
  const parts = model.hybrid.learned.parts;
  let checked = 0;
  let multiple = 0;
  for (let u = 0; u < 30; u++) {
    const q = model.queryFor(u, []);
    for (const item of model.index.search(q, 10).indices) {
      // The reference: per-part sums of the inner product, merged by reason.
      const row = model.rowOf(item);
      const sums = new Map<string, number>();
      let start = 0;
      for (const part of parts) {
        let s = 0;
        for (let j = start; j < start + part.dims; j++) s += q[j] * row[j];
        const reason = PART_REASON[part.name];
        sums.set(reason, (sums.get(reason) ?? 0) + s);
        start += part.dims;
      }
      const positive = [...sums.values()].filter((s) => s > 0).reduce((a, b) => a + b, 0);
      const ranked = [...sums].sort((a, b) => b[1] - a[1]);
      const expected =
        positive > 0
          ? ranked.filter(([, s]) => s > 0 && s >= 0.15 * positive).map(([reason]) => reason)
          : [ranked[0][0]];
      assert.deepEqual(model.reasonsFor(q, item), expected);
      checked++;
      if (expected.length > 1) multiple++;
    }
  }
  assert.ok(checked >= 100 && multiple > 0, `${checked} lists checked, ${multiple} with several reasons`);
  await model.close();
});

test("an item no part lifts is named by the part that lowered it least; a context shift counts as popularity", async () => {
  const model = ServingModel.from(await loadCityModel(), { exactBelow: Number.MAX_SAFE_INTEGER });
  const q = model.queryFor(0, []);
  const item = model.index.search(q, 1).indices[0];
  const before = model.reasonsFor(q, item);
  assert.ok(before.length > 0);
  // A shift that dwarfs the inner product makes popularity the only reason.
  assert.deepEqual(model.reasonsFor(q, item, 1e6), ["popularity"]);
  // Every part's contribution made negative: the least negative one is named, alone.
  const negated = q.map((v) => -v);
  const reasons = model.reasonsFor(negated, item);
  assert.equal(reasons.length, 1);
  assert.notEqual(reasons[0], before[0], "the part that lifted most now lowers most");
  await model.close();
});
