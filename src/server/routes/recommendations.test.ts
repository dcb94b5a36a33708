import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { MEAL_PERIODS } from "../../data/city/constants.js";
import { periodAt } from "../../data/city/meal-time.js";
import { distanceKm } from "../../recommend/geo.js";
import { servingFixture } from "../testing/serving-fixture.js";

let fx: Awaited<ReturnType<typeof servingFixture>>;
before(async () => {
  fx = await servingFixture();
});
after(async () => {
  await fx?.close();
});

interface Body {
  user_id: string;
  model_version: string;
  variant: string;
  recommendation_id: string;
  items: { item_id: string; score: number; reasons: string[] }[];
  fallback?: string;
}

async function recommend(query: string): Promise<Body> {
  const response = await fx.app.inject({ method: "GET", url: `/v1/recommendations?${query}` });
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as Body;
}

test("a known user gets k unseen items with reasons from the hybrid's parts", async () => {
  const userId = fx.model.users.idAt(3);
  const body = await recommend(`user_id=${userId}&k=7`);
  assert.equal(body.items.length, 7);
  assert.equal(body.model_version, fx.model.version);
  assert.equal(body.variant, "champion");
  assert.equal(body.fallback, undefined);
  const seen = new Set([...fx.model.trainedItems(3)].map((i) => fx.model.catalog.ids.idAt(i)));
  for (const item of body.items) {
    assert.ok(!seen.has(item.item_id), `${item.item_id} was seen in training`);
    assert.ok(item.reasons.length > 0);
    for (const r of item.reasons) assert.ok(["cf", "graph", "content", "popularity"].includes(r));
  }
  const scores = body.items.map((i) => i.score);
  assert.deepEqual(
    scores,
    [...scores].sort((a, b) => b - a),
  );
});

test("an unknown user is not an error: global popularity, most popular first", async () => {
  const body = await recommend("user_id=nobody-at-all&k=5");
  assert.equal(body.fallback, "global-popularity");
  const expected = [...fx.model.popularOrder.subarray(0, 5)].map((i) => fx.model.catalog.ids.idAt(i));
  assert.deepEqual(
    body.items.map((i) => i.item_id),
    expected,
  );
});

test("radius and meal-period filters hold for every item, and the list is full when enough qualify", async () => {
  const centre = fx.model.catalog.metadata(0);
  assert.ok(centre?.lat !== undefined && centre.lon !== undefined);
  const at = "2026-11-26T12:30:00Z";
  const period = periodAt(Date.parse(at) / 1000);
  const radius = 3;
  const qualifying = [...Array(fx.model.catalog.size).keys()].filter((i) => {
    const m = fx.model.catalog.metadata(i);
    const near =
      m?.lat !== undefined &&
      m.lon !== undefined &&
      distanceKm(centre.lat!, centre.lon!, m.lat, m.lon) <= radius;
    return near && (fx.model.catalog.openMask[i] & (1 << period)) !== 0;
  });
  for (const userId of [fx.model.users.idAt(5), "stranger"]) {
    const body = await recommend(
      `user_id=${userId}&k=10&lat=${centre.lat}&lon=${centre.lon}&radius_km=${radius}&at=${at}`,
    );
    const seen = userId === "stranger" ? 0 : new Set(fx.model.trainedItems(5)).size;
    assert.ok(body.items.length >= Math.min(10, qualifying.length - seen), `only ${body.items.length} items`);
    for (const item of body.items) {
      const index = fx.model.catalog.ids.indexOf(item.item_id);
      assert.ok(
        qualifying.includes(index),
        `${item.item_id} is outside the radius or closed at ${MEAL_PERIODS[period]}`,
      );
    }
  }
});

test("excluded items never appear", async () => {
  const userId = fx.model.users.idAt(8);
  const first = await recommend(`user_id=${userId}&k=5`);
  const excluded = first.items.slice(0, 3).map((i) => i.item_id);
  const second = await recommend(`user_id=${userId}&k=5&exclude=${excluded.join(",")}`);
  for (const id of excluded) assert.ok(!second.items.some((i) => i.item_id === id));
  assert.equal(second.items.length, 5);
});

test("diversity re-ranks towards less similar items", async () => {
  const userId = fx.model.users.idAt(11);
  const plain = await recommend(`user_id=${userId}&k=8`);
  const diverse = await recommend(`user_id=${userId}&k=8&diversity=0.9`);
  const meanSimilarity = (ids: string[]) => {
    const rows = ids.map((id) => fx.model.rowOf(fx.model.catalog.ids.indexOf(id)));
    let total = 0;
    let pairs = 0;
    for (let a = 0; a < rows.length; a++)
      for (let b = a + 1; b < rows.length; b++) {
        let dot = 0;
        let na = 0;
        let nb = 0;
        for (let j = 0; j < rows[a].length; j++) {
          dot += rows[a][j] * rows[b][j];
          na += rows[a][j] ** 2;
          nb += rows[b][j] ** 2;
        }
        total += dot / Math.sqrt(na * nb);
        pairs++;
      }
    return total / pairs;
  };
  assert.ok(
    meanSimilarity(diverse.items.map((i) => i.item_id)) < meanSimilarity(plain.items.map((i) => i.item_id)),
    "the diverse list is not less similar",
  );
});

test("events posted a moment ago change the next recommendation (fold-in)", async () => {
  const userId = "fresh-user-1";
  const before = await recommend(`user_id=${userId}&k=10`);
  assert.equal(before.fallback, "global-popularity");
  const clicked = before.items.slice(0, 2).map((i) => i.item_id);
  const posted = await fx.app.inject({
    method: "POST",
    url: "/v1/events",
    payload: clicked.map((item_id) => ({ type: "click", user_id: userId, item_id })),
  });
  assert.equal(posted.statusCode, 202, posted.body);
  const afterClicks = await recommend(`user_id=${userId}&k=10`);
  assert.equal(afterClicks.fallback, undefined, "the user should now be personalised");
  for (const id of clicked)
    assert.ok(!afterClicks.items.some((i) => i.item_id === id), `${id} was just clicked`);
  assert.notDeepEqual(
    afterClicks.items.map((i) => i.item_id),
    before.items.map((i) => i.item_id),
  );
});
