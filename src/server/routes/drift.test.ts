import assert from "node:assert/strict";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, test } from "node:test";
import type { DriftReport } from "../../drift/drift-monitor.js";
import { ServeConfigSchema } from "../serve-config.js";
import { createServing } from "../server.js";
import { servingFixture, trainedCityModel } from "../testing/serving-fixture.js";

const TOKEN = "drift-route-token-0123456789";
const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const step of cleanup.reverse()) await step();
});

test("GET /v1/admin/drift needs the admin token and reports every feature against its baseline", async () => {
  const serving = await servingFixture({ adminToken: TOKEN });
  cleanup.push(() => serving.close());
  const refused = await serving.app.inject({ method: "GET", url: "/v1/admin/drift" });
  assert.equal(refused.statusCode, 401);
  assert.match(refused.headers["content-type"] as string, /application\/problem\+json/);

  const user = serving.model.users.idAt(0);
  const listed = await serving.app.inject({ method: "GET", url: `/v1/recommendations?user_id=${user}&k=5` });
  assert.equal(listed.statusCode, 200);
  const answer = await serving.app.inject({
    method: "GET",
    url: "/v1/admin/drift",
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(answer.statusCode, 200);
  const report = answer.json() as DriftReport;
  assert.equal(report.window.baseline, "ok");
  assert.equal(report.window.model_version, serving.model.version);
  const names = report.features.map((f) => f.name).sort();
  assert.deepEqual(names, [
    "cuisine",
    "item_popularity",
    "location_cell",
    "meal_period",
    "prediction_score",
    "price_level",
    "user_activity",
  ]);
  const scores = report.features.find((f) => f.name === "prediction_score");
  assert.equal(scores?.kind, "ks");
  assert.equal(scores?.samples, 5);
  assert.equal(scores?.status, "insufficient-data");
  assert.equal(scores?.drifted, false);
  const price = report.features.find((f) => f.name === "price_level");
  assert.equal(price?.kind, "psi");
  assert.equal(price?.threshold, 0.2);
  assert.equal(price?.baseline.length, price?.live.length);
  assert.ok(Math.abs((price?.baseline ?? []).reduce((a, b) => a + b, 0) - 1) < 1e-9);

  const metrics = await serving.app.inject({ method: "GET", url: "/metrics" });
  assert.match(metrics.body, /palate_drift_samples\{feature="prediction_score",test="ks"\} 5/);
  assert.match(metrics.body, /palate_drift_threshold\{feature="price_level",test="psi"\} 0.2/);
});

test("a model saved before baselines existed still serves; drift reports 'no baseline'", async () => {
  const { modelDir, dir } = await trainedCityModel();
  const old = join(dir, "model-without-baselines");
  await cp(modelDir, old, { recursive: true });
  const manifestPath = join(old, "manifest.json");
  const manifest = JSON.parse(await readFile(manifestPath, "utf8"));
  delete manifest.driftBaselines;
  await writeFile(manifestPath, JSON.stringify(manifest));
  const serving = await createServing(
    old,
    ServeConfigSchema.parse({
      adminToken: TOKEN,
      eventLog: `sqlite:${join(dir, "old-events.db")}`,
      spillPath: join(dir, "old-spill.ndjson"),
    }),
  );
  cleanup.push(() => serving.close());
  const user = serving.context.service?.model.users.idAt(0);
  const listed = await serving.app.inject({ method: "GET", url: `/v1/recommendations?user_id=${user}` });
  assert.equal(listed.statusCode, 200);
  const report = (
    await serving.app.inject({
      method: "GET",
      url: "/v1/admin/drift",
      headers: { authorization: `Bearer ${TOKEN}` },
    })
  ).json() as DriftReport;
  assert.match(report.window.baseline, /^no baseline/);
  assert.equal(report.drifted, false);
  assert.ok(report.features.every((f) => f.status === "no-baseline" && f.score === null));
});

test("without an admin token the drift route is not registered (outside the demo)", async () => {
  const serving = await servingFixture({});
  cleanup.push(() => serving.close());
  const answer = await serving.app.inject({ method: "GET", url: "/v1/admin/drift" });
  assert.equal(answer.statusCode, 404);
});
