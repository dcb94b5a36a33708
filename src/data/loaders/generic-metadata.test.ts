import assert from "node:assert/strict";
import { test } from "node:test";
import { loadGenericItems } from "./generic-items.js";
import { loadGenericUsers } from "./generic-users.js";
import { createLoadContext, finishDataset } from "./load-context.js";
import { tempFiles } from "./temp-files.js";

test("CSV items: known fields, |-separated categories, numeric and categorical attributes, empty cells absent", async () => {
  const files = await tempFiles({
    "items.csv": [
      "item_id,title,categories,price,lat,lon,stars,cuisine_style,note",
      'r1,"Chez A, B",French| Bistro |French,2,48.85,2.35,4.5,classic,',
      "r2,,,,,,,,x",
    ].join("\n"),
  });
  try {
    const ctx = createLoadContext();
    assert.deepEqual((await loadGenericItems(files.path("items.csv"), ctx)).ignoredColumns, []);
    const d = finishDataset(ctx, "items");
    assert.deepEqual(d.items.toArray(), ["r1", "r2"]);
    assert.deepEqual(d.itemMeta[0], {
      itemId: "r1",
      title: "Chez A, B",
      categories: ["French", "Bistro"],
      price: 2,
      lat: 48.85,
      lon: 2.35,
      attributes: { stars: 4.5, cuisine_style: "classic" },
    });
    assert.deepEqual(d.itemMeta[1], { itemId: "r2", categories: [], attributes: { note: "x" } });
  } finally {
    await files.remove();
  }
});

test("NDJSON items: categories as an array, nested attributes merged with extra keys", async () => {
  const files = await tempFiles({
    "items.jsonl": [
      '{"item_id":1,"title":"T","categories":["a","b"],"lat":1,"lon":2,"attributes":{"k":"v","n":3},"top":true}',
      '{"item_id":"2","categories":"x|y","price":"1.5","skip":null}',
    ].join("\n"),
  });
  try {
    const ctx = createLoadContext();
    await loadGenericItems(files.path("items.jsonl"), ctx);
    const d = finishDataset(ctx, "items");
    assert.deepEqual(d.itemMeta[0], {
      itemId: "1",
      title: "T",
      categories: ["a", "b"],
      lat: 1,
      lon: 2,
      attributes: { k: "v", n: 3, top: "true" },
    });
    assert.deepEqual(d.itemMeta[1], { itemId: "2", categories: ["x", "y"], price: 1.5, attributes: {} });
  } finally {
    await files.remove();
  }
});

test("malformed item rows name file:line:field; skipInvalid counts them", async () => {
  const cases: [string, string, RegExp][] = [
    ["items.csv", "item_id,lat\nr1,95", /items\.csv:2: field 'lat': 95 is outside \[-90, 90\]/],
    ["items.csv", "item_id,price\nr1,cheap", /items\.csv:2: field 'price': not a number: "cheap"/],
    ["items.csv", "item_id,title\nr1,a\nr1,b", /items\.csv:3: field 'item_id': duplicate item id "r1"/],
    ["items.csv", "title\nx", /items\.csv:1: field 'item_id': required column missing/],
    ["items.csv", "item_id,title\n,x", /items\.csv:2: field 'item_id': must not be empty/],
    [
      "items.ndjson",
      '{"item_id":"a","categories":[1]}',
      /items\.ndjson:1: field 'categories': must be an array/,
    ],
    [
      "items.ndjson",
      '{"item_id":"a","attributes":{"x":[1]}}',
      /items\.ndjson:1: field 'attributes\.x': an attribute/,
    ],
    ["items.ndjson", '{"item_id":"a","lon":200}', /items\.ndjson:1: field 'lon': 200 is outside/],
  ];
  for (const [name, text, message] of cases) {
    const files = await tempFiles({ [name]: text });
    try {
      await assert.rejects(loadGenericItems(files.path(name), createLoadContext()), message);
      const ctx = createLoadContext({ skipInvalid: true });
      await loadGenericItems(files.path(name), ctx).catch(() => undefined);
      if (!message.source.includes("required column")) assert.equal(ctx.report.skipped, 1, name);
    } finally {
      await files.remove();
    }
  }
});

test("users: CSV and NDJSON attributes follow the numeric/categorical rule", async () => {
  const files = await tempFiles({
    "users.csv": "user_id,home_lat,cuisines,price_preference\nu1,45.1,thai|sushi,2\nu2,,,\n",
    "users.ndjson": '{"user_id":"u3","attributes":{"age":30},"gender":"f","empty":""}\n',
    "bad.csv": "user_id,age\nu1,3\nu1,4\n",
  });
  try {
    const ctx = createLoadContext();
    await loadGenericUsers(files.path("users.csv"), ctx);
    await loadGenericUsers(files.path("users.ndjson"), ctx);
    const d = finishDataset(ctx, "users");
    assert.deepEqual(d.userMeta, [
      { userId: "u1", attributes: { home_lat: 45.1, cuisines: "thai|sushi", price_preference: 2 } },
      { userId: "u2", attributes: {} },
      { userId: "u3", attributes: { age: 30, gender: "f" } },
    ]);
    await assert.rejects(
      loadGenericUsers(files.path("bad.csv"), createLoadContext()),
      /bad\.csv:3: field 'user_id': duplicate user id "u1"/,
    );
  } finally {
    await files.remove();
  }
});
