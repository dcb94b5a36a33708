import assert from "node:assert/strict";
import { test } from "node:test";
import { oracleTopK } from "../data/city/ground-truth.js";
import { periodAt } from "../data/city/meal-time.js";
import { buildWorld, isOpen } from "../data/city/world.js";
import { Random } from "../math/random.js";
import { placeNearHome, reactToList } from "./user-behaviour.js";

const world = buildWorld({ users: 200, restaurants: 300, days: 1, seed: 11 });
const LUNCH = Date.parse("2026-03-02T12:30:00Z") / 1000;

test("a place near home is inside the city, near the user's home, and what is sent is what is judged", () => {
  const rng = new Random(1);
  for (let u = 0; u < 50; u++) {
    const place = placeNearHome(world, u, rng);
    const dx = place.x - world.users.x[u];
    const dy = place.y - world.users.y[u];
    assert.ok(Math.hypot(dx, dy) < 3, `user ${u} is ${Math.hypot(dx, dy)} km from home`);
    assert.ok(place.x >= -0.01 && place.x <= 20.01 && place.y >= -0.01 && place.y <= 20.01);
    assert.equal(place.lat, Math.round(place.lat * 1e5) / 1e5);
    assert.ok(place.radiusKm > 0);
  }
});

test("the reaction to a list is deterministic for a seed and never touches a closed restaurant", () => {
  const place = placeNearHome(world, 3, new Random(2));
  const closed = Array.from({ length: world.restaurants.count }, (_, r) => r)
    .filter((r) => !isOpen(world, r, periodAt(LUNCH)))
    .slice(0, 10);
  assert.ok(closed.length > 0);
  for (let seed = 0; seed < 50; seed++) {
    const reaction = reactToList(world, 3, closed, place, LUNCH, new Random(seed));
    assert.equal(reaction.clicks, 0);
    assert.ok(reaction.views > 0);
  }
  const list = [...oracleTopK(world, 3, 10, { time: LUNCH }).indices];
  assert.deepEqual(
    reactToList(world, 3, list, place, LUNCH, new Random(7)),
    reactToList(world, 3, list, place, LUNCH, new Random(7)),
  );
});

test("position bias: the same restaurants draw more views and clicks at the top of the list", () => {
  const views = new Float64Array(10);
  const clicks = new Float64Array(10);
  const rng = new Random(3);
  for (let n = 0; n < 4000; n++) {
    const u = n % world.users.count;
    const place = placeNearHome(world, u, rng);
    const list = [...oracleTopK(world, u, 10, { lat: place.lat, lon: place.lon, time: LUNCH }).indices];
    // Shuffled, so any rank holds a restaurant of any quality: what differs by rank is attention.
    rng.shuffle(list);
    for (const r of reactToList(world, u, list, place, LUNCH, rng).reactions) {
      if (r.type === "view") views[r.rank]++;
      if (r.type === "click") clicks[r.rank]++;
    }
  }
  assert.ok(views[0] > 1.5 * views[4] && views[4] > 1.5 * views[9], `views by rank ${views.join(", ")}`);
  assert.ok(clicks[0] > 2 * clicks[9], `clicks by rank ${clicks.join(", ")}`);
});

test("higher true utility is clicked and booked more often", () => {
  const rng = new Random(4);
  let shownGood = 0;
  let clickedGood = 0;
  let shownBad = 0;
  let clickedBad = 0;
  let bookings = 0;
  for (let n = 0; n < 3000; n++) {
    const u = n % world.users.count;
    const place = placeNearHome(world, u, rng);
    const top = oracleTopK(world, u, 40, { lat: place.lat, lon: place.lon, time: LUNCH }).indices;
    // Alternate the best five and five from ranks 30–39 in the same slots.
    const good = n % 2 === 0;
    const list = good ? [...top.subarray(0, 5)] : [...top.subarray(30, 35)];
    const reaction = reactToList(world, u, list, place, LUNCH, rng);
    if (good) {
      shownGood += reaction.views;
      clickedGood += reaction.clicks;
      bookings += reaction.bookings;
    } else {
      shownBad += reaction.views;
      clickedBad += reaction.clicks;
      bookings -= reaction.bookings;
    }
  }
  assert.ok(
    clickedGood / shownGood > 2 * (clickedBad / shownBad),
    `${clickedGood}/${shownGood} vs ${clickedBad}/${shownBad}`,
  );
  assert.ok(bookings > 0, "the better lists earn more bookings");
});
