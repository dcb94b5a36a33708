import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildCsr } from "../../core/csr.js";
import { IdDictionary } from "../../core/id-dictionary.js";
import type { Item, User } from "../../core/types.js";
import { readArtifact } from "../artifact/artifact-reader.js";
import type { TrainingData } from "../recommender.js";
import { runModelContract } from "../testing/model-contract.js";
import { checkerboard } from "../testing/synthetic.js";
import { ContentModel } from "./content-model.js";

const CUISINES = ["Thai", "Pizza", "Sushi", "Tacos"];
/** Two districts about 9 km apart. */
const DISTRICTS = [
  [48.85, 2.35],
  [48.93, 2.35],
];

/**
 * 16 restaurants: cuisine i % 4, price 1 + (i % 3), district ⌊i / 8⌋. Users 0–5 each visited the
 * Thai and Sushi places of district 0 except one; user 6 declared Tacos at price 3 in district 1
 * and has no history; user 7 has neither.
 */
function restaurantCity(): TrainingData {
  const itemMeta: Item[] = Array.from({ length: 16 }, (_, i) => ({
    itemId: `r${i}`,
    categories: [CUISINES[i % 4]],
    price: 1 + (i % 3),
    lat: DISTRICTS[i >> 3][0] + 0.001 * (i % 8),
    lon: DISTRICTS[i >> 3][1],
    attributes: { alcohol: i % 2 === 0 ? "none" : "wine" },
  }));
  const rows: number[] = [];
  const cols: number[] = [];
  const liked = [0, 2, 4, 6];
  for (let u = 0; u < 6; u++) {
    for (const i of liked) {
      if (i === liked[u % 4]) continue;
      rows.push(u);
      cols.push(i);
    }
  }
  const matrix = buildCsr(
    {
      length: rows.length,
      rows: Int32Array.from(rows),
      cols: Int32Array.from(cols),
      values: new Float32Array(rows.length).fill(1),
    },
    8,
    16,
  );
  const userMeta: (User | undefined)[] = Array.from({ length: 8 }, () => undefined);
  userMeta[6] = {
    userId: "u6",
    attributes: { cuisines: "Tacos", price_preference: 3, home_lat: 48.93, home_lon: 2.35 },
  };
  return {
    matrix,
    users: IdDictionary.from(Array.from({ length: 8 }, (_, u) => `u${u}`)),
    items: IdDictionary.from(itemMeta.map((it) => it.itemId)),
    itemMeta,
    userMeta,
    source: "restaurant-city",
  };
}

runModelContract("content", () => new ContentModel());

const data = restaurantCity();
const allUsers = Int32Array.from({ length: 8 }, (_, u) => u);

async function fitted(): Promise<ContentModel> {
  const model = new ContentModel();
  await model.fit(data);
  return model;
}

test("content: a user's history ranks unseen items of the same cuisines and district first", async () => {
  const model = await fitted();
  const recs = model.recommend(Int32Array.of(0), { k: 1, exclude: data.matrix });
  // User 0 skipped item 0 (Thai, district 0): the one unseen item like all of their history.
  assert.equal(recs.items[0], 0);
  const profile = model.userProfile(Int32Array.of(2, 4, 6));
  assert.ok(Math.abs(Math.hypot(...profile) - 1) < 1e-5);
});

test("content: declared preferences alone rank matching items first", async () => {
  const model = await fitted();
  // Item 15: Tacos (15 % 4 = 3), price 1 + 15 % 3 = 1, district 1; item 11: Tacos, price 3, district 1.
  const recs = model.recommend(Int32Array.of(6), { k: 2 });
  assert.equal(recs.items[0], 11);
  assert.equal(recs.items[1], 15);
  const cold = model.userProfile(new Int32Array(0), undefined, data.userMeta[6]);
  const scores = Array.from({ length: 16 }, (_, i) => {
    let s = 0;
    for (let c = 0; c < model.dims; c++) s += cold[c] * model.itemVectors[i * model.dims + c];
    return s;
  });
  assert.equal(scores.indexOf(Math.max(...scores)), 11);
  assert.deepEqual([...model.userProfile(new Int32Array(0))], new Array(model.dims).fill(0));
});

test("content: a new item's vector equals what training gave it", async () => {
  const model = await fitted();
  const dims = model.dims;
  for (const i of [0, 7, 13]) {
    assert.deepEqual(
      model.embedItem(data.itemMeta[i]!),
      model.itemVectors.subarray(i * dims, (i + 1) * dims),
    );
  }
});

test("content: users with neither history nor preferences get the global profile", async () => {
  const model = await fitted();
  const unknown = model.recommend(Int32Array.of(-1, 7), { k: 3 });
  assert.deepEqual(unknown.items.subarray(0, 3), unknown.items.subarray(3, 6));
  // Everyone's history is Thai and Sushi in district 0, so that is what the global profile favours.
  assert.ok([0, 2, 4, 6].includes(unknown.items[0]));
});

test("content works without any metadata (checkerboard): zero vectors, padded lists", async () => {
  const board = checkerboard(4, 6);
  const model = new ContentModel();
  await model.fit(board);
  assert.equal(model.dims, 0);
  const recs = model.recommend(Int32Array.of(0), { k: 8, exclude: board.matrix });
  // User 0 has items 0 and 4 (item 2 skipped), so 4 of the 6 remain.
  assert.equal(recs.items.filter((i) => i >= 0).length, 4);
});

test("a saved and loaded content model scores and embeds identically", async () => {
  const model = await fitted();
  const dir = await mkdtemp(join(tmpdir(), "palate-content-"));
  try {
    await model.save(join(dir, "v1"));
    const artifact = await readArtifact(join(dir, "v1"));
    assert.deepEqual(artifact.manifest.matrices["content.item_vectors"].shape, [16, model.dims]);
    const loaded = ContentModel.fromArtifact(artifact);
    assert.deepEqual(loaded.features, model.features);
    const batch = Int32Array.of(...allUsers, -1);
    const before = model.recommend(batch, { k: 5, exclude: data.matrix });
    const after = loaded.recommend(batch, { k: 5, exclude: data.matrix });
    assert.deepEqual(after.items, before.items);
    assert.deepEqual(after.scores, before.scores);
    const fresh: Item = {
      itemId: "new",
      categories: ["Sushi"],
      price: 2,
      lat: 48.85,
      lon: 2.35,
      attributes: {},
    };
    assert.deepEqual(loaded.embedItem(fresh), model.embedItem(fresh));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
