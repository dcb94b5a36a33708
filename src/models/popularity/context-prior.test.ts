import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadModel } from "../model-kinds.js";
import { checkerboard } from "../testing/synthetic.js";
import { PopularityModel } from "./popularity-model.js";
import { DINNER_HOUR, EAST, LUNCH_HOUR, twoCellsTwoPeriods, WEST } from "./testing/two-contexts.js";

const LUNCH = 1;
const DINNER = 2;

async function fitted(strength: number | "auto", data = twoCellsTwoPeriods()) {
  const model = new PopularityModel({ context: { strength } });
  await model.fit(data);
  const prior = model.contextPrior;
  assert.ok(prior, "the data has homes and times, so a prior is learned");
  return { model, prior };
}

test("the periods of the fixture are the city's lunch and dinner", async () => {
  const { periodAt } = await import("../../data/city/meal-time.js");
  assert.equal(periodAt(LUNCH_HOUR * 3600), LUNCH);
  assert.equal(periodAt(DINNER_HOUR * 3600), DINNER);
});

test("each cell × meal period ranks its own leader first, unlike global popularity", async () => {
  const { model, prior } = await fitted(1);
  // Global: item 0 has 16 users, items 1–3 ten each (ties by index).
  assert.deepEqual([...prior.order(-1)], [0, 1, 2, 3]);
  const first = (where: { lat: number; lon: number }, period: number) =>
    prior.order(prior.lookup({ ...where, period }))[0];
  assert.equal(first(WEST, LUNCH), 1);
  assert.equal(first(WEST, DINNER), 2);
  assert.equal(first(EAST, LUNCH), 3);
  assert.equal(first(EAST, DINNER), 0);
  // West lunch: item 1 (10 users), item 0 (2), then the unseen items in global order.
  const westLunch = prior.lookup({ ...WEST, period: LUNCH });
  assert.deepEqual([...prior.order(westLunch)], [1, 0, 2, 3]);
  // p(i | c) = (n + β·π) / (N + β) with β = 1, N = 12, π(1) = 10/46.
  assert.ok(Math.abs(prior.score(westLunch, 1) - (10 + 10 / 46) / 13) < 1e-6);
  const top = model.recommendInContext(Int32Array.of(-1), { ...EAST, period: LUNCH }, { k: 2 });
  assert.deepEqual([...top.items], [3, 0]);
});

test("partial contexts fall back to the aggregate over the missing dimension", async () => {
  const { prior } = await fitted(1);
  // Lunch anywhere: items 1 and 3 have ten users each, item 0 four.
  assert.deepEqual([...prior.order(prior.lookup({ period: LUNCH }))], [1, 3, 0, 2]);
  // East at any time: item 0 has 12 users (ten at dinner, two at lunch), item 3 ten.
  assert.deepEqual([...prior.order(prior.lookup(EAST))].slice(0, 2), [0, 3]);
  // A cell nobody lives in, at lunch: the lunch aggregate; with no context at all: global.
  assert.equal(prior.lookup({ lat: 10, lon: 10, period: LUNCH }), prior.lookup({ period: LUNCH }));
  assert.equal(prior.lookup({}), -1);
});

test("a strong prior shrinks every context towards the global order", async () => {
  const { prior } = await fitted(1e6);
  assert.deepEqual([...prior.order(prior.lookup({ ...WEST, period: LUNCH }))], [0, 1, 2, 3]);
});

test("the learned strength is small when contexts really differ", async () => {
  const { prior } = await fitted("auto");
  assert.ok(prior.strength <= 10, `strength ${prior.strength}`);
});

test("events of pairs outside the training matrix are not counted", async () => {
  const { prior } = await fitted(1, twoCellsTwoPeriods({ leaked: [[0, 3]] }));
  assert.equal(prior.countOf(prior.lookup({ ...WEST, period: LUNCH }), 3), 0);
});

test("data without places or times learns no prior; the option turns it off", async () => {
  const noContext = new PopularityModel();
  await noContext.fit(checkerboard(6, 4));
  assert.equal(noContext.contextPrior, null);
  const off = new PopularityModel({ context: false });
  await off.fit(twoCellsTwoPeriods());
  assert.equal(off.contextPrior, null);
});

test("the prior round-trips through the artifact; older artifacts load without one", async () => {
  const dir = await mkdtemp(join(tmpdir(), "palate-context-prior-"));
  try {
    const { model, prior } = await fitted("auto");
    await model.save(join(dir, "with"));
    const loaded = (await loadModel(join(dir, "with"))).model as PopularityModel;
    const again = loaded.contextPrior;
    assert.ok(again);
    assert.equal(again.strength, prior.strength);
    for (const where of [WEST, EAST]) {
      for (const period of [LUNCH, DINNER]) {
        const a = prior.lookup({ ...where, period });
        const b = again.lookup({ ...where, period });
        assert.deepEqual([...again.order(b)], [...prior.order(a)]);
        assert.equal(again.score(b, 0), prior.score(a, 0));
      }
    }
    const off = new PopularityModel({ context: false });
    await off.fit(twoCellsTwoPeriods());
    await off.save(join(dir, "without"));
    const old = (await loadModel(join(dir, "without"))).model as PopularityModel;
    assert.equal(old.contextPrior, null);
    const top = old.recommendInContext(Int32Array.of(-1), { ...WEST, period: LUNCH }, { k: 1 });
    assert.equal(top.items[0], 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a context's head is the start of its full order, with ties by index", async () => {
  const { ContextPrior } = await import("./context-prior.js");
  const { Random } = await import("../../math/random.js");
  const random = new Random(3);
  const items = 40;
  // Few distinct values, exact in binary, so shares, counts and the two merged runs tie often.
  const share = Float32Array.from({ length: items }, () => (1 + random.int(4)) / 64);
  const indptr = [0];
  const indices: number[] = [];
  const counts: number[] = [];
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < items; i++) {
      if (random.next() < 0.4) {
        indices.push(i);
        counts.push(1 + random.int(3));
      }
    }
    indptr.push(indices.length);
  }
  const prior = new ContextPrior({
    grid: { refLat: 0, cellKm: 1 },
    strength: 32,
    contexts: Int32Array.from([1, 0, 0, -1, 1, 1, 0, -1, 0, 0, 0, 2]),
    indptr: Int32Array.from(indptr),
    indices: Int32Array.from(indices),
    counts: Float32Array.from(counts),
    globalShare: share,
  });
  for (let c = -1; c < 3; c++) {
    const value = (i: number) => (c < 0 ? share[i] : prior.countOf(c, i) + 32 * share[i]);
    const expected = Array.from({ length: items }, (_, i) => i).sort((a, b) => value(b) - value(a) || a - b);
    assert.deepEqual([...prior.order(c)], expected, `order of context ${c}`);
    for (const length of [0, 1, 7, items, items + 3]) {
      assert.deepEqual([...prior.head(c, length)], expected.slice(0, length), `head ${length} of ${c}`);
    }
  }
});
