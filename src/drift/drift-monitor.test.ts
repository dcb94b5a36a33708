import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../math/random.js";
import type { DriftBaselines } from "../models/artifact/drift-baselines.js";
import type { Manifest } from "../models/artifact/manifest.js";
import type { ServedList } from "../recommend/recommend-service.js";
import type { ServingModel } from "../recommend/serving-model.js";
import { DriftConfigSchema } from "./drift-config.js";
import { DriftMonitor } from "./drift-monitor.js";
import { attachDriftBaselines } from "./model-baselines.js";

/**
 * A stand-in for a serving model with just what the monitor reads: ten items, item i priced
 * 1 + (i mod 2) and with i training users; one user "u" with three training items.
 */
function fakeModel(version: string): ServingModel {
  const items = Array.from({ length: 10 }, (_, i) => ({
    itemId: `i${i}`,
    categories: ["thai"],
    price: 1 + (i % 2),
    attributes: {},
  }));
  return {
    version,
    popularity: Float32Array.from({ length: 10 }, (_, i) => i),
    catalog: {
      size: items.length,
      metadata: (i: number) => items[i],
      // As ItemCatalog.upsert: the item's metadata object is replaced.
      upsert: (item: (typeof items)[number]) => {
        items[Number(item.itemId.slice(1))] = item;
      },
    },
    users: { indexOf: (id: string) => (id === "u" ? 0 : -1) },
    trainedCount: (u: number) => (u === 0 ? 3 : 0),
  } as unknown as ServingModel;
}

/** Baselines: scores ~ N(0, 1), prices half 1 and half 2. */
function baselines(): DriftBaselines {
  const rng = new Random(3);
  const sample = Array.from({ length: 2000 }, () => rng.normal()).sort((a, b) => a - b);
  return {
    version: 1,
    k: 10,
    users: 100,
    features: [
      { name: "prediction_score", kind: "ks", sample },
      { name: "price_level", kind: "psi", rule: { type: "edges", edges: [2] }, counts: [500, 500] },
    ],
  };
}

function manifestWith(driftBaselines: unknown): Manifest {
  return { driftBaselines } as unknown as Manifest;
}

/** A served list of ten items (each item once: prices balanced) with scores N(shift, 1). */
function list(model: ServingModel, rng: Random, shift: number, items = 10): ServedList {
  return {
    model,
    variant: "champion",
    request: { userId: "u", k: items, exclude: [], diversity: 0 },
    userIndex: -1,
    personalised: true,
    items: Array.from({ length: items }, (_, i) => ({ item: i, score: rng.normal() + shift })),
  };
}

const config = DriftConfigSchema.parse({ windowSeconds: 600, buckets: 10, minSamples: 100 });

test("scores from the baseline's distribution do not drift; shifted ones drift by KS", () => {
  let now = 0;
  const monitor = new DriftMonitor(config, () => now);
  const healthy = attachDriftBaselines(fakeModel("a"), manifestWith(baselines()));
  const rng = new Random(5);
  for (let n = 0; n < 100; n++) monitor.observe(list(healthy, rng, 0));
  let report = monitor.report(healthy);
  const score = () => report.features.find((f) => f.name === "prediction_score");
  assert.equal(score()?.samples, 1000);
  assert.equal(score()?.drifted, false, `D ${score()?.score}`);
  assert.equal(report.features.find((f) => f.name === "price_level")?.score, 0);

  // The window slides: ten minutes later the healthy lists are gone; shifted ones replace them.
  now = 600_000;
  for (let n = 0; n < 100; n++) monitor.observe(list(healthy, rng, 0.5));
  report = monitor.report(healthy);
  assert.equal(score()?.samples, 1000);
  assert.equal(score()?.drifted, true, `D ${score()?.score}`);
  assert.ok((score()?.p_value ?? 1) < 0.01);
  assert.equal(report.drifted, true);
  assert.deepEqual(monitor.state(healthy).drifted, ["prediction_score"]);
  assert.equal(monitor.state(healthy).retrain, false, "retrain is off by default");
  assert.deepEqual(report.retrain, []);
});

test("a priced-up catalogue drifts by PSI, and asks for a retrain when configured", () => {
  const monitor = new DriftMonitor(
    DriftConfigSchema.parse({ ...config, retrain: { onDrift: true, features: ["price_level"] } }),
    () => 0,
  );
  const model = attachDriftBaselines(fakeModel("b"), manifestWith(baselines()));
  const rng = new Random(6);
  // Only odd items (price 2) are served: the price histogram goes from 50/50 to 0/100.
  for (let n = 0; n < 50; n++) {
    const served = list(model, rng, 0);
    monitor.observe({ ...served, items: served.items.filter((e) => e.item % 2 === 1) });
  }
  const price = monitor.report(model).features.find((f) => f.name === "price_level");
  assert.equal(price?.drifted, true);
  assert.deepEqual(price?.live, [0, 1]);
  const expected = (1e-4 - 0.5) * Math.log(1e-4 / 0.5) + 0.5 * Math.log(2);
  assert.ok(Math.abs((price?.score ?? 0) - expected) < 1e-9);
  assert.equal(monitor.state(model).retrain, true);
  assert.deepEqual(monitor.report(model).retrain, ["price_level"]);
});

test("an item repriced after serving began is binned at its new price", () => {
  const monitor = new DriftMonitor(config, () => 0);
  const model = attachDriftBaselines(fakeModel("f"), manifestWith(baselines()));
  const rng = new Random(7);
  const evenItems = (served: ServedList) => ({
    ...served,
    items: served.items.filter((e) => e.item % 2 === 0),
  });
  // Even items cost 1: served alone, every price lands in the first bin.
  for (let n = 0; n < 20; n++) monitor.observe(evenItems(list(model, rng, 0)));
  const upsert = (model.catalog as unknown as { upsert: (item: object) => void }).upsert;
  for (let i = 0; i < 10; i += 2) upsert({ itemId: `i${i}`, categories: ["thai"], price: 2, attributes: {} });
  for (let n = 0; n < 20; n++) monitor.observe(evenItems(list(model, rng, 0)));
  const price = monitor.report(model).features.find((f) => f.name === "price_level");
  assert.deepEqual(price?.live, [0.5, 0.5]);
});

test("too little traffic is reported as such, never as drift", () => {
  const monitor = new DriftMonitor(config, () => 0);
  const model = attachDriftBaselines(fakeModel("c"), manifestWith(baselines()));
  monitor.observe(list(model, new Random(1), 5));
  const report = monitor.report(model);
  assert.ok(report.features.every((f) => f.status === "insufficient-data" && !f.drifted));
});

test("a model without (or with unreadable) baselines reports 'no baseline' and observing it is harmless", () => {
  const monitor = new DriftMonitor(config, () => 0);
  const none = attachDriftBaselines(fakeModel("d"), manifestWith(undefined));
  const broken = attachDriftBaselines(fakeModel("e"), manifestWith({ version: 99 }));
  monitor.observe(list(none, new Random(1), 0));
  monitor.observe(list(broken, new Random(1), 0));
  assert.match(monitor.report(none).window.baseline, /^no baseline: the model was saved without one/);
  assert.match(monitor.report(broken).window.baseline, /^no baseline: driftBaselines\.version/);
  assert.ok(monitor.report(none).features.every((f) => f.status === "no-baseline"));
  assert.equal(monitor.report(null).window.model_version, null);
});
