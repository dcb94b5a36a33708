import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { generateCity } from "../data/city/generate.js";
import { loadDataset } from "../data/load-dataset.js";
import { HybridModel } from "../models/hybrid/hybrid-model.js";
import { loadModel } from "../models/model-kinds.js";
import { declaredHome } from "../models/popularity/context-events.js";
import { trainingDataOf } from "../models/training-data.js";
import { candidateFilter } from "./candidate-filter.js";
import { ContextPopularity, contextPriorOf, retrieveInContext } from "./context-popularity.js";
import { PopularLists } from "./popular-lists.js";
import { ServingModel } from "./serving-model.js";

// A catalogue larger than the context head serving reads first (4 × 50 items), so a filter can
// reject all of that head.
let dir = "";
let model: ServingModel;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-context-head-"));
  await generateCity({ users: 400, restaurants: 600, days: 14, seed: 11 }, join(dir, "city"));
  const { dataset } = await loadDataset({ kind: "dataset", name: "city", path: join(dir, "city") });
  // Popularity alone: the exact ranking of a request is its context's popularity order.
  const hybrid = new HybridModel({ parts: ["popularity"] });
  await hybrid.fit(trainingDataOf(dataset));
  await hybrid.save(join(dir, "model"));
  model = ServingModel.from(await loadModel(join(dir, "model")));
});
after(async () => {
  await model.close();
  await rm(dir, { recursive: true, force: true });
});

test("per-item context shifts equal the whole-catalogue table", () => {
  const view = ContextPopularity.of(model.hybrid);
  assert.ok(view);
  const q = model.queryFor(-1, []);
  const home = declaredHome(model.hybrid.learned.userMeta[0]?.attributes);
  assert.ok(home);
  const row = view.rowFor(home);
  assert.ok(row >= 0);
  // Asked per item first, so no table exists yet when they are computed.
  const perItem = Array.from({ length: model.catalog.size }, (_, i) => view.shift(q, row, i));
  const table = view.shiftsFor(row);
  assert.ok(perItem.some((s) => s !== 0));
  assert.deepEqual(
    perItem,
    Array.from(table, (shift) => view.weightOf(q) * shift),
  );
});

test("filters that reject a context's whole head still get its most popular accepted items", () => {
  const view = ContextPopularity.of(model.hybrid);
  assert.ok(view);
  const q = model.queryFor(-1, []);
  // The meal period (any cell) with the most items of its own: its order runs far from the global one.
  const prior = view.prior;
  const periods = Array.from({ length: prior.contextCount }, (_, c) => c).filter((c) => !prior.keyAt(c).cell);
  const size = (c: number) => prior.indptr[c + 1] - prior.indptr[c];
  const row = periods.reduce((best, c) => (size(c) > size(best) ? c : best));
  assert.ok(size(row) > 260, "the period holds more items than the head serving reads first");
  const rejected = new Set(view.orderFor(row).subarray(0, 200));
  const accept = (item: number) => !rejected.has(item);
  // A pool of 5 from the index: the global order's best accepted items, not the period's.
  const found = retrieveInContext(model, q, 5, accept, { mealPeriod: prior.keyAt(row).period }, 5);
  // The exact answer: every accepted item scored as serving scores it, best first, ties by index.
  const exact = Array.from({ length: model.catalog.size }, (_, i) => i)
    .filter(accept)
    .map((i) => ({ i, s: model.score(q, i) + view.shift(q, row, i) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, 5)
    .map(({ i }) => i);
  assert.deepEqual([...found.items], exact);
});

test("a cached context list whose radius rejects most of the order's head reads on in the whole order", () => {
  const prior = contextPriorOf(model.hybrid);
  assert.ok(prior);
  const home = declaredHome(model.hybrid.learned.userMeta[0]?.attributes);
  assert.ok(home);
  // On the lists' 0.005° grid already, so the list and the reference read the same context row.
  const grid = (degrees: number) => Math.round(degrees / 0.005) * 0.005;
  const near = { lat: grid(home.lat), lon: grid(home.lon), radiusKm: 3 };
  const row = prior.lookup({ lat: near.lat, lon: near.lon });
  assert.ok(row >= 0);
  const accept = candidateFilter(model.catalog, { seen: new Set(), exclude: new Set(), near });
  const exact = [...prior.order(row)].filter(accept);
  // Lists hold 200 items and read the first 400 of the order before the rest: the radius must
  // leave fewer than 200 there, and some accepted items beyond it.
  const beyondHead = [...prior.order(row).subarray(400)].filter(accept);
  assert.ok(exact.length < 200 && exact.length >= 10 && beyondHead.length > 0, `${exact.length} accepted`);
  const lists = new PopularLists({ maxEntries: 10, ttlMs: 60_000 });
  const noRules = { seen: new Set<number>(), exclude: new Set<number>() };
  const listed = lists.top(model, { near }, noRules, exact.length).map((x) => x.item);
  assert.deepEqual(listed, exact);
});
