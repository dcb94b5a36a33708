import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { HybridModel } from "../models/hybrid/hybrid-model.js";
import { loadModel } from "../models/model-kinds.js";
import { EAST, twoCellsTwoPeriods, WEST } from "../models/popularity/testing/two-contexts.js";
import { PopularLists } from "./popular-lists.js";
import { ServingModel } from "./serving-model.js";

const LUNCH = 1;
const DINNER = 2;
const NO_RULES = { seen: new Set<number>(), exclude: new Set<number>() };

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-popular-lists-"));
  const model = new HybridModel({ parts: ["popularity"] });
  await model.fit(twoCellsTwoPeriods());
  await model.save(join(dir, "model"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function top(model: ServingModel, where: { lat: number; lon: number } | null, mealPeriod?: number) {
  const lists = new PopularLists({ maxEntries: 10, ttlMs: 60_000 });
  const near = where ? { ...where, radiusKm: 50 } : undefined;
  return lists.top(model, { near, mealPeriod }, NO_RULES, 4).map((x) => x.item);
}

test("context fallbacks rank by the trained per-context prior", async () => {
  const model = ServingModel.from(await loadModel(join(dir, "model")));
  // Global popularity: item 0 (16 users) then 1, 2, 3 (ten each).
  assert.deepEqual(top(model, null), [0, 1, 2, 3]);
  assert.deepEqual(top(model, WEST, LUNCH), [1, 0, 2, 3]);
  assert.equal(top(model, WEST, DINNER)[0], 2);
  assert.equal(top(model, EAST, LUNCH)[0], 3);
  assert.equal(top(model, EAST, DINNER)[0], 0);
  // Place without time: the cell's aggregate (east: item 0 has 12 users, item 3 ten).
  assert.deepEqual(top(model, EAST).slice(0, 2), [0, 3]);
  // Scores are p(item | context): descending, and below 1.
  const lists = new PopularLists({ maxEntries: 10, ttlMs: 60_000 });
  const scored = lists.top(model, { near: { ...WEST, radiusKm: 50 }, mealPeriod: LUNCH }, NO_RULES, 4);
  assert.ok(scored.every((x, r) => x.score < 1 && (r === 0 || x.score <= scored[r - 1].score)));
  await model.close();
});

test("a version without the prior keeps the global order filtered by context", async () => {
  // Versions trained before the prior have no nested popularity model.
  await rm(join(dir, "model", "parts", "popularity"), { recursive: true });
  const model = ServingModel.from(await loadModel(join(dir, "model")));
  assert.deepEqual(top(model, WEST, LUNCH), [0, 1, 2, 3]);
  assert.deepEqual(top(model, EAST, DINNER), [0, 1, 2, 3]);
  await model.close();
});
