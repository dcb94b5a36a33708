import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { HybridModel } from "../models/hybrid/hybrid-model.js";
import { loadModel } from "../models/model-kinds.js";
import { EAST, twoCellsTwoPeriods, WEST } from "../models/popularity/testing/two-contexts.js";
import { candidateFilter } from "./candidate-filter.js";
import { ContextPopularity, retrieveInContext } from "./context-popularity.js";
import { ServingModel } from "./serving-model.js";

const LUNCH = 1;
const DINNER = 2;

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-context-popularity-"));
  // Popularity alone: a query's order is then exactly its popularity component's.
  const model = new HybridModel({ parts: ["popularity"] });
  await model.fit(twoCellsTwoPeriods());
  await model.save(join(dir, "model"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function ranked(model: ServingModel, where: { lat: number; lon: number }, mealPeriod: number | undefined) {
  const q = model.queryFor(-1, []);
  const near = { ...where, radiusKm: 50 };
  const rules = { seen: new Set<number>(), exclude: new Set<number>(), near, mealPeriod };
  return [
    ...retrieveInContext(model, q, 4, candidateFilter(model.catalog, rules), { near, mealPeriod }).items,
  ];
}

test("a query's popularity component follows the context's prior", async () => {
  const model = ServingModel.from(await loadModel(join(dir, "model")));
  const view = ContextPopularity.of(model.hybrid);
  assert.ok(view);
  assert.ok(view.weightOf(model.queryFor(-1, [])) > 0, "the new-user bucket weighs popularity");
  assert.deepEqual(ranked(model, WEST, LUNCH), [1, 0, 2, 3]);
  assert.equal(ranked(model, WEST, DINNER)[0], 2);
  assert.equal(ranked(model, EAST, LUNCH)[0], 3);
  assert.equal(ranked(model, EAST, DINNER)[0], 0);
  // No context: the global order of the item matrix.
  const q = model.queryFor(-1, []);
  const all = candidateFilter(model.catalog, { seen: new Set(), exclude: new Set() });
  assert.deepEqual([...retrieveInContext(model, q, 4, all, {}).items], [0, 1, 2, 3]);
  // An unknown context shifts nothing.
  assert.ok(view.shiftsFor(-1).every((s) => s === 0));
  await model.close();
});

test("versions without the prior retrieve exactly as before", async () => {
  await rm(join(dir, "model", "parts", "popularity"), { recursive: true });
  const model = ServingModel.from(await loadModel(join(dir, "model")));
  assert.equal(ContextPopularity.of(model.hybrid), null);
  assert.deepEqual(ranked(model, WEST, LUNCH), [0, 1, 2, 3]);
  await model.close();
});
