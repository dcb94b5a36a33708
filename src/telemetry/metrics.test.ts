import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { servingFixture, trainedCityModel } from "../server/testing/serving-fixture.js";
import { parseExposition, sampleValue } from "./testing/exposition.js";

let fx: Awaited<ReturnType<typeof servingFixture>>;
before(async () => {
  fx = await servingFixture();
});
after(async () => {
  await fx?.close();
});

const scrape = async () => {
  const response = await fx.app.inject({ url: "/metrics" });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers["content-type"]), /^text\/plain; version=0\.0\.4/);
  return parseExposition(response.body);
};

/** Names and types the issue asks for; the drift gauges belong to drift-metrics.ts. */
const EXPECTED: Record<string, string> = {
  palate_http_request_duration_seconds: "histogram",
  palate_recommendations_total: "counter",
  palate_cache_lookups_total: "counter",
  palate_feature_store_read_duration_seconds: "histogram",
  palate_feature_store_errors_total: "counter",
  palate_event_queue_depth: "gauge",
  palate_event_queue_lag_seconds: "gauge",
  palate_event_sink_up: "gauge",
  palate_events_spilled_total: "counter",
  palate_events_replayed_total: "counter",
  palate_events_dropped_total: "counter",
  palate_events_accepted_total: "counter",
  palate_model_info: "gauge",
  palate_model_trained_timestamp_seconds: "gauge",
  palate_model_offline_metric: "gauge",
  palate_model_training_data_size: "gauge",
  palate_model_load_failures_total: "counter",
};

test("every palate_ metric has help and a type, and follows the naming conventions", async () => {
  await fx.app.inject({ url: "/v1/recommendations?user_id=naming-check" });
  const families = await scrape();
  for (const [name, type] of Object.entries(EXPECTED)) {
    assert.equal(families.get(name)?.type, type, `${name} should be a ${type}`);
  }
  for (const [name, family] of families) {
    if (!name.startsWith("palate_")) continue;
    assert.ok(family.help.length > 10, `${name}: help text missing`);
    assert.equal(
      family.type === "counter",
      name.endsWith("_total"),
      `${name}: counters and only counters end in _total`,
    );
    if (/duration|latency|lag|age/.test(name))
      assert.match(name, /_seconds$/, `${name}: times are in seconds`);
    for (const sample of family.samples) {
      for (const key of Object.keys(sample.labels)) {
        assert.ok(!/user|item|session|recommendation_id/.test(key), `${name}: label ${key} is unbounded`);
      }
      assert.ok(!Object.values(sample.labels).includes("naming-check"), `${name}: a user id became a label`);
    }
  }
});

test("the served model's version, training time, offline metrics and data size come from its manifest", async () => {
  const { modelDir } = await trainedCityModel();
  const manifest = JSON.parse(await readFile(join(modelDir, "manifest.json"), "utf8"));
  const families = await scrape();
  const version = { version: manifest.version, variant: "champion" };
  assert.equal(sampleValue(families, "palate_model_info", { ...version, kind: "hybrid" }), 1);
  assert.equal(families.get("palate_model_info")?.samples.length, 1, "one model served, one info sample");
  assert.equal(
    sampleValue(families, "palate_model_trained_timestamp_seconds", version),
    Date.parse(manifest.createdAt) / 1000,
  );
  const [cold, warm] = manifest.metrics.validationNdcgByBucket as number[];
  const ndcg = (bucket: string) =>
    sampleValue(families, "palate_model_offline_metric", {
      ...version,
      metric: `validationNdcgByBucket.${bucket}`,
    });
  assert.ok(Math.abs((ndcg("cold") as number) - cold) < 1e-12, `cold nDCG ${ndcg("cold")} vs ${cold}`);
  assert.ok(Math.abs((ndcg("warm") as number) - warm) < 1e-12);
  assert.equal(
    families.get("palate_model_offline_metric")?.samples.some((s) => s.labels.metric.startsWith("weights.")),
    false,
    "blend weights are parameters, not offline metrics",
  );
  assert.equal(
    sampleValue(families, "palate_model_training_data_size", { ...version, of: "interactions" }),
    manifest.dataSnapshot.interactions,
  );
});

test("values move: requests by route, variant and outcome, fallbacks, cache lookups and events", async () => {
  const known = fx.model.users.toArray()[0];
  const before = await scrape();
  const count = (families: typeof before, labels: Record<string, string>) =>
    sampleValue(families, "palate_http_request_duration_seconds_count", {
      route: "/v1/recommendations",
      ...labels,
    }) ?? 0;
  const lists = (families: typeof before, fallback: string) =>
    sampleValue(families, "palate_recommendations_total", { fallback }) ?? 0;

  const stranger = await fx.app.inject({ url: "/v1/recommendations?user_id=never-seen-before&k=3" });
  assert.equal(stranger.json().fallback, "global-popularity");
  const personal = await fx.app.inject({ url: `/v1/recommendations?user_id=${known}&k=3` });
  assert.equal(personal.statusCode, 200);
  assert.equal(personal.json().fallback, undefined, "a training user is personalised");
  await fx.app.inject({ url: `/v1/recommendations?user_id=${known}&k=3` });
  await fx.app.inject({ url: "/v1/recommendations?k=3" });
  const event = { type: "click", user_id: known, item_id: "i1", timestamp: 1_700_000_000 };
  assert.equal((await fx.app.inject({ method: "POST", url: "/v1/events", payload: event })).statusCode, 202);
  const after = await scrape();

  const champion = { variant: "champion" };
  assert.equal(
    count(after, { ...champion, outcome: "fallback" }) - count(before, { ...champion, outcome: "fallback" }),
    1,
  );
  assert.equal(
    count(after, { ...champion, outcome: "ok", status_class: "2xx" }) -
      count(before, { ...champion, outcome: "ok" }),
    2,
  );
  assert.equal(
    count(after, { outcome: "rejected", status_class: "4xx" }) - count(before, { outcome: "rejected" }),
    1,
  );
  assert.equal(lists(after, "global-popularity") - lists(before, "global-popularity"), 1);
  assert.equal(lists(after, "none") - lists(before, "none"), 2);
  const lookups = (families: typeof before) =>
    sampleValue(families, "palate_cache_lookups_total", { cache: "user" }) ?? 0;
  assert.ok(lookups(after) > lookups(before), "the user cache was consulted");
  assert.equal(
    (sampleValue(after, "palate_events_accepted_total") ?? 0) -
      (sampleValue(before, "palate_events_accepted_total") ?? 0),
    1,
  );
  assert.equal(sampleValue(after, "palate_event_sink_up"), 1);
  assert.equal(sampleValue(after, "palate_events_dropped_total"), 0);
  const featureReads = (families: typeof before) =>
    sampleValue(families, "palate_feature_store_read_duration_seconds_count", { outcome: "ok" }) ?? 0;
  assert.ok(featureReads(after) > featureReads(before), "feature-store reads are timed");
});
