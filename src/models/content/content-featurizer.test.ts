import assert from "node:assert/strict";
import { test } from "node:test";
import type { Item } from "../../core/types.js";
import { ContentFeaturizer } from "./content-featurizer.js";
import { resolveContentOptions } from "./content-options.js";
import { forEachCell } from "./geo-cells.js";
import { binOf, forEachSoftBin, quantileEdges } from "./quantile-bins.js";

const item = (itemId: string, categories: string[], extra: Partial<Item> = {}): Item => ({
  itemId,
  categories,
  attributes: {},
  ...extra,
});

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

test("category vectors are TF-IDF one-hot with idf = 1 + ln(N / df), L2-normalised", () => {
  const items = [item("a", ["Thai", "Noodles"]), item("b", ["Thai"]), item("c", ["Pizza"])];
  const f = ContentFeaturizer.fit(items, resolveContentOptions({}));
  assert.deepEqual(f.features, ["category:Noodles", "category:Pizza", "category:Thai"]);
  const idfThai = 1 + Math.log(3 / 2);
  const idfRare = 1 + Math.log(3);
  assert.ok(Math.abs(f.weights[2] - idfThai) < 1e-6);
  assert.ok(Math.abs(f.weights[0] - idfRare) < 1e-6);
  const a = f.embedItem(items[0]);
  const norm = Math.hypot(idfThai, idfRare);
  const expected = [idfRare / norm, 0, idfThai / norm];
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(a[c] - expected[c]) < 1e-6, `column ${c}`);
  const b = f.embedItem(items[1]);
  assert.ok(b[0] === 0 && b[1] === 0 && Math.abs(b[2] - 1) < 1e-6);
  assert.deepEqual([...f.embedItem(item("x", ["Sushi"]))], [0, 0, 0], "unknown categories give nothing");
});

test("items sharing categories and attributes are closer than those that share none", () => {
  const items = [
    item("a", ["Thai", "Noodles"], { price: 1, attributes: { alcohol: "none" } }),
    item("b", ["Thai"], { price: 1, attributes: { alcohol: "none" } }),
    item("c", ["Pizza"], { price: 3, attributes: { alcohol: "wine" } }),
    item("d", ["Pizza", "Pasta"], { price: 3, attributes: { alcohol: "wine" } }),
  ];
  const f = ContentFeaturizer.fit(items, resolveContentOptions({}));
  const [a, b, c] = items.map((it) => f.embedItem(it));
  assert.ok(Math.abs(dot(a, a) - 1) < 1e-6);
  assert.ok(dot(a, b) > 0.5);
  assert.ok(dot(a, b) > dot(a, c) + 0.4);
  assert.ok(f.features.includes("attribute:alcohol=none"));
  assert.ok(f.features.includes("price:0") && f.features.includes("price:1"));
});

test("quantile edges give one bin per level for few levels and quantiles otherwise", () => {
  assert.deepEqual(quantileEdges([1, 2, 2, 2, 3, 3], 5), [2, 3]);
  assert.deepEqual(quantileEdges([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 2), [6]);
  assert.equal(binOf([2, 3], 1), 0);
  assert.equal(binOf([2, 3], 2), 1);
  assert.equal(binOf([2, 3], 9), 2);
  const seen: [number, number][] = [];
  forEachSoftBin([2, 3], 2, 0.25, (bin, w) => seen.push([bin, w]));
  assert.deepEqual(seen, [
    [1, 1],
    [0, 0.25],
    [2, 0.25],
  ]);
});

test("nearby places share location cells across a cell border and far ones do not", () => {
  const grid = { refLat: 48.85, fineKm: 1.5, coarseKm: 6 };
  const cells = (lat: number, lon: number) => {
    const out = new Map<string, number>();
    forEachCell(grid, lat, lon, (name, w) => out.set(name, w));
    return out;
  };
  const overlap = (p: Map<string, number>, q: Map<string, number>) =>
    [...p].reduce((s, [name, w]) => s + w * (q.get(name) ?? 0), 0);
  const here = cells(48.85, 2.35);
  const fineWeights = [...here].filter(([name]) => name.startsWith("cell:fine:")).map(([, w]) => w);
  assert.ok(Math.abs(fineWeights.reduce((s, w) => s + w, 0) - 1) < 1e-9, "bilinear weights sum to 1");
  const nearby = cells(48.8509, 2.3512); // ≈ 130 m away
  const across = cells(48.88, 2.4); // ≈ 5 km away
  const far = cells(45.76, 4.84); // another city
  assert.ok(overlap(here, nearby) > overlap(here, across));
  assert.equal(overlap(here, far), 0);
});

test("a new item's vector equals what training gives it, and ignored attributes are left out", () => {
  const items = [
    item("a", ["Thai"], { price: 1, lat: 48.85, lon: 2.35, attributes: { hours: "9-5", year: 1990 } }),
    item("b", ["Thai"], { price: 2, lat: 48.86, lon: 2.34, attributes: { hours: "9-5", year: 2000 } }),
    item("c", ["Pizza"], { price: 3, lat: 48.9, lon: 2.3, attributes: { hours: "9-5", year: 2010 } }),
  ];
  const options = resolveContentOptions({});
  const f = ContentFeaturizer.fit(items, options);
  assert.ok(!f.features.some((name) => name.includes("hours")));
  assert.ok(f.features.some((name) => name.startsWith("numeric:year:")));
  const again = new ContentFeaturizer(JSON.parse(JSON.stringify(f.spec)), [...f.features], f.weights.slice());
  for (const it of items) assert.deepEqual(again.embedItem(it), f.embedItem(it));
  const fresh = item("new", ["Thai"], { price: 1, lat: 48.8501, lon: 2.3501, attributes: { year: 1991 } });
  const v = again.embedItem(fresh);
  assert.ok(dot(v, f.embedItem(items[0])) > dot(v, f.embedItem(items[2])));
});
