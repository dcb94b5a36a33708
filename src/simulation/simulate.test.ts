import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { acceleratedClock } from "../core/clock.js";
import { loadCityWorld } from "../data/city/manifest.js";
import { servingFixture, trainedCityModel } from "../server/testing/serving-fixture.js";
import { httpApi } from "./city-visit.js";
import { runSimulation } from "./simulate.js";

test("simulated city users use a live server over HTTP: lists served, clicks and bookings logged", async () => {
  const fx = await servingFixture();
  try {
    const address = await fx.app.listen({ port: 0, host: "127.0.0.1" });
    const world = await loadCityWorld(join((await trainedCityModel()).dir, "city"));
    // Noon on a Monday, ten simulated hours per real second: half a simulated day in ≈ 1.2 s.
    const clock = acceleratedClock(Date.parse("2026-03-02T11:00:00Z"), Date.now(), 36_000);
    const summary = await runSimulation({
      api: httpApi(address),
      world,
      clock,
      users: 300,
      rate: 400,
      days: 0.5,
      seed: 3,
    });
    assert.equal(summary.errors, 0);
    assert.ok(summary.visits > 10, `${summary.visits} visits`);
    const champion = summary.variants.champion;
    assert.ok(champion.impressions === summary.visits);
    assert.ok(champion.clicks > 0, "nobody clicked anything");
    await fx.queue.drain(5000);
    const page = await fx.queue.sink.read("", 100_000);
    const impressions = page.events.filter((e) => e.type === "impression").length;
    const clicks = page.events.filter((e) => e.type === "click");
    assert.equal(impressions, summary.visits);
    assert.equal(clicks.length, champion.clicks);
    assert.ok(clicks.every((c) => c.recommendationId !== undefined && c.sessionId !== undefined));
  } finally {
    await fx.close();
  }
});
