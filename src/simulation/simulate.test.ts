import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { parseClock, simClockSpec } from "../core/clock.js";
import { loadCityWorld } from "../data/city/manifest.js";
import { servingFixture, trainedCityModel } from "../server/testing/serving-fixture.js";
import { httpApi } from "./api-client.js";
import { runSimulation, type SimulationSummary } from "./simulate.js";

test("simulated city users use a live server over HTTP: lists served, events accepted and attributed", async () => {
  // Server and simulator share one accelerated clock, as `--clock` gives them in a deployment:
  // from Monday 11:00, ten simulated hours per real second, so half a day takes about 1.2 s.
  // (The model is trained first, so the clock does not run through the training.)
  const world = await loadCityWorld(join((await trainedCityModel()).dir, "city"));
  const spec = simClockSpec(Date.parse("2026-03-02T11:00:00Z"), 36_000);
  const fx = await servingFixture({ clock: spec });
  const api = httpApi(await fx.app.listen({ port: 0, host: "127.0.0.1" }), { maxSockets: 16 });
  try {
    const reports: SimulationSummary[] = [];
    const summary = await runSimulation({
      api,
      world,
      clock: parseClock(spec),
      users: 300,
      sessionsPerUserDay: 2,
      rate: 500,
      days: 0.5,
      seed: 3,
      concurrency: 16,
      eventFlushMs: 50,
      reportEverySeconds: 0.3,
      onReport: (s) => reports.push(s),
    });
    assert.deepEqual(summary.errorSamples, []);
    assert.equal(summary.errors, 0);
    assert.ok(summary.visits > 50, `${summary.visits} visits`);
    assert.ok(summary.simulatedDays > 0.49, `ran ${summary.simulatedDays} simulated days`);
    assert.ok(reports.length >= 2, "reports come while it runs");
    const champion = summary.variants.champion;
    assert.equal(champion.impressions, summary.visits);
    assert.equal(champion.modelVersion, fx.model.version);
    assert.ok(champion.clicks > 0, "nobody clicked anything");
    assert.equal(summary.events.failed, 0);
    assert.equal(summary.events.pending, 0);
    assert.equal(summary.events.accepted, champion.views + champion.clicks + champion.bookings);
    assert.ok(summary.events.requests < summary.visits, "events go out in batches");

    await fx.queue.drain(5000);
    const logged = (await fx.queue.sink.read("", 100_000)).events;
    const impressions = new Map(
      logged.filter((e) => e.type === "impression").map((e) => [e.recommendationId, e]),
    );
    assert.equal(impressions.size, summary.visits);
    assert.ok([...impressions.values()].every((e) => e.sessionId?.startsWith("sim3-")));
    const responses = logged.filter((e) => e.type !== "impression");
    assert.equal(responses.length, summary.events.accepted);
    assert.equal(responses.filter((e) => e.type === "click").length, champion.clicks);
    assert.equal(responses.filter((e) => e.type === "booking").length, champion.bookings);
    for (const event of responses) {
      const list = impressions.get(event.recommendationId);
      assert.ok(list, `${event.type} of ${event.itemId} refers to no list the server served`);
      assert.equal(event.sessionId, list.sessionId);
      assert.equal(event.userId, list.userId);
      assert.ok(list.items?.includes(event.itemId), `${event.itemId} was not in its list`);
      assert.ok(event.timestamp >= list.timestamp, "a reaction predates the list it reacts to");
    }
  } finally {
    api.close();
    await fx.close();
  }
});

test("an aborted simulation stops early and still delivers the events of its sessions", async () => {
  const world = await loadCityWorld(join((await trainedCityModel()).dir, "city"));
  const spec = simClockSpec(Date.parse("2026-03-02T11:00:00Z"), 36_000);
  const fx = await servingFixture({ clock: spec });
  const api = httpApi(await fx.app.listen({ port: 0, host: "127.0.0.1" }));
  try {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 400);
    const summary = await runSimulation({
      api,
      world,
      clock: parseClock(spec),
      sessionsPerUserDay: 2,
      rate: 500,
      days: 30,
      seed: 4,
      signal: abort.signal,
    });
    assert.ok(summary.realSeconds < 5, `took ${summary.realSeconds} s`);
    assert.ok(summary.simulatedDays < 1);
    assert.equal(summary.errors, 0);
    assert.equal(summary.events.pending, 0);
    assert.equal(summary.events.failed, 0);
  } finally {
    api.close();
    await fx.close();
  }
});
