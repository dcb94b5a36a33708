import assert from "node:assert/strict";
import { test } from "node:test";
import { twoCellsTwoPeriods } from "../popularity/testing/two-contexts.js";
import { HybridModel } from "./hybrid-model.js";

// User 5 lives in the west cell and has met item 1. Item 0 leads globally (16 users against 10),
// but in the west cell item 2 does (10 users against 4): asked from home, item 2 comes first.
const USER = 5;

test("the hybrid's batch recommend asks from the user's declared home cell", async () => {
  const model = new HybridModel({ parts: ["popularity"] });
  const data = twoCellsTwoPeriods();
  await model.fit(data);
  const recs = model.recommend(Int32Array.of(USER), { k: 3, exclude: data.matrix });
  assert.deepEqual([...recs.items], [2, 0, 3]);
});

test("without a declared home the popularity part stays global", async () => {
  const data = twoCellsTwoPeriods();
  const userMeta = data.userMeta.map((u, i) => (i === USER && u ? { ...u, attributes: {} } : u));
  const model = new HybridModel({ parts: ["popularity"] });
  await model.fit({ ...data, userMeta });
  const recs = model.recommend(Int32Array.of(USER), { k: 3, exclude: data.matrix });
  assert.equal(recs.items[0], 0);
});
