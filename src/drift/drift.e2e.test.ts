import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadCityWorld } from "../data/city/manifest.js";
import type { CityWorld } from "../data/city/world.js";
import { servingFixture, trainedCityModel } from "../server/testing/serving-fixture.js";
import { ArrivalSchedule } from "../simulation/arrivals.js";
import { type ApiCall, injectApi, runVisit } from "../simulation/city-visit.js";
import { type DriftInjection, DriftInjectionSchema, injectDrift } from "../simulation/drift-injection.js";
import { DriftConfigSchema } from "./drift-config.js";
import type { DriftReport } from "./drift-monitor.js";

const TOKEN = "drift-test-token-0123456789";
const VISITS = 600;
const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const step of cleanup.reverse()) await step();
});

/**
 * Serves the tiny city model, injects `drift` into the city, lets its users visit through the
 * API at the generator's arrival times (the server's clock follows them) and returns the drift
 * report the admin API gives.
 */
async function driftAfter(drift: DriftInjection): Promise<DriftReport> {
  const { dir } = await trainedCityModel();
  const baseWorld = await loadCityWorld(join(dir, "city"));
  const serving = await servingFixture({
    adminToken: TOKEN,
    // Arrivals span simulated days: a two-week window keeps the whole run.
    drift: DriftConfigSchema.parse({ windowSeconds: 14 * 86_400, buckets: 14 }),
  });
  cleanup.push(() => serving.close());
  const time = { now: Date.parse("2026-03-02T06:00:00Z") };
  serving.context.clock = () => time.now;
  const api: ApiCall = injectApi(serving.app);
  const world: CityWorld = await injectDrift(api, baseWorld, drift);
  const arrivals = new ArrivalSchedule(world, {
    users: world.users.count,
    seed: Number(process.env.DRIFT_SEED ?? 5),
    startMs: time.now,
  });
  for (let n = 0; n < VISITS; n++) {
    const a = arrivals.next();
    time.now = a.atMs;
    const outcome = await runVisit(api, world, {
      user: a.user,
      seed: a.seed,
      atMs: a.atMs,
      sessionId: `s-${a.index}`,
    });
    if (outcome.events.length > 0) {
      const posted = await api(
        "POST",
        "/v1/events",
        outcome.events.map((e) => e.body),
      );
      assert.equal(posted.status, 202, posted.body);
    }
  }
  const answer = await serving.app.inject({
    method: "GET",
    url: "/v1/admin/drift",
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(answer.statusCode, 200, answer.body);
  return answer.json() as DriftReport;
}

function summary(report: DriftReport): string {
  return report.features
    .map(
      (f) => `${f.name}=${f.score === null ? "–" : f.score.toFixed(3)}${f.drifted ? "*" : ""} (${f.samples})`,
    )
    .join(" ");
}

/** The drifted features each injected drift must raise, and nothing else. */
const EXPECTED: Record<DriftInjection["kind"], string[]> = {
  none: [],
  "city-centre": ["location_cell"],
  "price-shock": ["price_level"],
  "cuisine-trend": ["cuisine"],
};

/**
 * Model outputs a drift may move as well. The hybrid scores popularity in the context of where a
 * request comes from, so moving every home to the centre moves the scores too: measured KS D 0.119,
 * 0.149, 0.155 and 0.169 over four seeds against the threshold 0.15 (no drift: 0.082–0.115).
 */
const MAY_ALSO_DRIFT: Partial<Record<DriftInjection["kind"], string[]>> = {
  "city-centre": ["prediction_score"],
};

for (const [kind, expected] of Object.entries(EXPECTED)) {
  test(`drift injection '${kind}' drifts exactly ${expected.join(", ") || "nothing"}`, async () => {
    const report = await driftAfter(DriftInjectionSchema.parse({ kind }));
    console.log(`${kind}: ${summary(report)}`);
    assert.equal(report.window.baseline, "ok");
    // Every feature had enough traffic to be judged, so "not drifted" means something.
    for (const f of report.features) assert.equal(f.status === "insufficient-data", false, f.name);
    const allowed = MAY_ALSO_DRIFT[kind as DriftInjection["kind"]] ?? [];
    const drifted = report.features.filter((f) => f.drifted && !allowed.includes(f.name)).map((f) => f.name);
    assert.deepEqual(drifted, expected, summary(report));
    assert.equal(report.drifted, expected.length > 0);
  });
}
