import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadCityModel } from "../server/testing/serving-fixture.js";
import { retrieve } from "./retrieve.js";
import { ServingModel } from "./serving-model.js";

let model: ServingModel;
before(async () => {
  model = ServingModel.from(await loadCityModel());
});
after(async () => {
  await model.close();
});

test("a fetch that covers the items known to be filtered out asks the index once", () => {
  const q = model.queryFor(0, []);
  // The query's own 25 best items excluded (a user's history is much like this: what the query
  // ranks highest), so a first fetch of 30 leaves the list short.
  const top = Array.from({ length: model.catalog.size }, (_, i) => i).sort(
    (a, b) => model.score(q, b) - model.score(q, a) || a - b,
  );
  const excluded = new Set(top.slice(0, 25));
  const accept = (item: number) => !excluded.has(item);
  const searches: number[] = [];
  const search = model.index.search.bind(model.index);
  model.index.search = (query, k) => {
    searches.push(k);
    return search(query, k);
  };
  const blind = retrieve(model, q, 10, accept);
  assert.deepEqual(searches, [30, 80], "without the count the first fetch falls short");
  searches.length = 0;
  const covered = retrieve(model, q, 10, accept, excluded.size);
  assert.deepEqual(searches, [55]);
  assert.deepEqual([...covered.items], [...blind.items]);
  assert.deepEqual([...covered.items], top.slice(25, 35));
});
