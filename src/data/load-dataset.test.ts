import assert from "node:assert/strict";
import { test } from "node:test";
import { interactionMatrix } from "../core/dataset.js";
import { loadDataset } from "./load-dataset.js";
import { tempFiles } from "./loaders/temp-files.js";
import { datasetPath } from "./testing/data-dir.js";

test("files: catalogue order first, then items only seen in interactions, with warnings and a full report", async () => {
  const files = await tempFiles({
    "items.csv": "item_id,title,price\nb,B,1\na,A,2\nc,Cold,3\n",
    "users.ndjson": '{"user_id":"u2","age":40}\n',
    "events.csv":
      "user_id,item_id,type,timestamp,device\nu1,a,view,1,p\nu2,z,click,2,p\nu1,b,booking,3,p\nu3,z,view,4,\n",
  });
  try {
    const { dataset: d, warnings } = await loadDataset({
      kind: "files",
      interactions: files.path("events.csv"),
      items: files.path("items.csv"),
      users: files.path("users.ndjson"),
    });
    assert.equal(d.name, "events");
    assert.deepEqual(d.items.toArray(), ["b", "a", "c", "z"]);
    assert.deepEqual(d.users.toArray(), ["u2", "u1", "u3"]);
    assert.equal(d.itemMeta.length, 4);
    assert.equal(d.itemMeta[2]?.title, "Cold");
    assert.equal(d.itemMeta[3], undefined);
    assert.deepEqual(d.userMeta, [{ userId: "u2", attributes: { age: 40 } }, undefined, undefined]);
    assert.deepEqual(warnings, [
      `${files.path("events.csv")}: ignored columns: device`,
      `${files.path("events.csv")}: 2 interactions name 1 items absent from ${files.path("items.csv")}; they were kept without metadata`,
      `${files.path("events.csv")}: 3 interactions name 2 users absent from ${files.path("users.ndjson")}; they were kept without metadata`,
    ]);
    assert.deepEqual(d.report.rowsBySource, {
      [files.path("items.csv")]: 3,
      [files.path("users.ndjson")]: 1,
      [files.path("events.csv")]: 4,
    });
    assert.deepEqual(d.report.byType, { view: 2, click: 1, booking: 1 });
    assert.equal(d.report.skipped, 0);
    assert.ok(d.report.seconds > 0);
    // Event weights apply: u1 (row 1) has booking 5 on b (column 0) and view 1 on a (column 1).
    const m = interactionMatrix(d);
    assert.deepEqual([...m.indices.subarray(m.indptr[1], m.indptr[2])], [0, 1]);
    assert.deepEqual([...m.values.subarray(m.indptr[1], m.indptr[2])], [5, 1]);
  } finally {
    await files.remove();
  }
});

test("custom event weights and skipInvalid pass through", async () => {
  const files = await tempFiles({ "e.csv": "user_id,item_id,type\nu,i,view\nu,,view\nu,j,like\n" });
  try {
    const { dataset: d } = await loadDataset(
      { kind: "files", interactions: files.path("e.csv") },
      { skipInvalid: true, eventWeights: { byType: { view: 0.5 }, unknownType: 3 } },
    );
    assert.deepEqual([...d.interactions.weight], [0.5, 3]);
    assert.equal(d.report.skipped, 1);
    assert.match(d.report.skippedExamples[0], /e\.csv:3: field 'item_id': must not be empty/);
  } finally {
    await files.remove();
  }
});

test("city: the generic loader on interactions.csv, items.csv and users.csv", async () => {
  const files = await tempFiles({
    "interactions.csv": "user_id,item_id,timestamp,type\nc1,r2,1700000000,view\nc1,r1,1700000100,booking\n",
    "items.csv":
      "item_id,title,categories,price,lat,lon,meal_periods,margin\n" +
      "r1,Pho,vietnamese|soup,1,45.5,-73.6,lunch|dinner,0.2\nr2,Brasserie,french,3,45.51,-73.55,dinner,0.35\n",
    "users.csv": "user_id,home_lat,home_lon,price_preference,cuisines\nc1,45.5,-73.58,2,vietnamese|french\n",
  });
  try {
    const { dataset: d, warnings } = await loadDataset({ kind: "dataset", name: "city", path: files.dir });
    assert.deepEqual(warnings, []);
    assert.deepEqual(d.items.toArray(), ["r1", "r2"]);
    assert.deepEqual(d.itemMeta[0], {
      itemId: "r1",
      title: "Pho",
      categories: ["vietnamese", "soup"],
      price: 1,
      lat: 45.5,
      lon: -73.6,
      attributes: { meal_periods: "lunch|dinner", margin: 0.2 },
    });
    assert.deepEqual(d.userMeta[0]?.attributes, {
      home_lat: 45.5,
      home_lon: -73.58,
      price_preference: 2,
      cuisines: "vietnamese|french",
    });
    assert.deepEqual([...d.interactions.weight], [1, 5]);
  } finally {
    await files.remove();
  }
});

const movielens = datasetPath("movielens-latest-small");
test("named datasets load through the same entry point", { skip: movielens.skip }, async () => {
  const { dataset, warnings } = await loadDataset({
    kind: "dataset",
    name: "movielens",
    path: movielens.path,
  });
  assert.equal(dataset.name, "movielens-latest-small");
  assert.equal(dataset.interactions.length, 100_836);
  assert.deepEqual(warnings, []);
});
