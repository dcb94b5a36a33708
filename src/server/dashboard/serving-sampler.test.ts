import assert from "node:assert/strict";
import { test } from "node:test";
import { ServingMetrics } from "../../telemetry/metrics.js";
import { wilsonInterval } from "./experiment-sampler.js";
import { histogramQuantile, ServingSampler } from "./serving-sampler.js";

test("histogram quantiles interpolate inside the bucket, like Prometheus", () => {
  // 10 observations ≤ 1, 10 more in (1, 2]: the median is the top of the first bucket.
  assert.equal(histogramQuantile(0.5, [1, 2, Infinity], [10, 20, 20]), 1);
  assert.equal(histogramQuantile(0.75, [1, 2, Infinity], [10, 20, 20]), 1.5);
  assert.equal(histogramQuantile(0.25, [1, 2, Infinity], [10, 20, 20]), 0.5);
  // Beyond the last finite bound the answer is that bound.
  assert.equal(histogramQuantile(0.99, [1, 2, Infinity], [0, 0, 5]), 2);
  assert.equal(histogramQuantile(0.5, [1, Infinity], [0, 0]), null);
});

test("the sampler turns cumulative counters into per-interval points on the server's clock", async () => {
  const metrics = new ServingMetrics();
  let now = 1_000_000;
  // Real time runs at half the server clock's pace here: the rate follows real time.
  const sampler = new ServingSampler(
    metrics,
    () => () => now,
    2,
    () => now / 2,
  );
  const observe = (seconds: number, status = "2xx") =>
    metrics.requestDuration
      .labels({ route: "/v1/recommendations", method: "GET", status_class: status, variant: "champion" })
      .observe(seconds);
  for (let i = 0; i < 4; i++) observe(0.002);
  metrics.recommendations.labels("user-vector", "none").inc(3);
  metrics.recommendations.labels("unknown", "global-popularity").inc(1);
  now += 2_000;
  const first = await sampler.sample();
  assert.equal(first.requests, 4);
  assert.equal(first.rps, 4, "4 requests in 1 real second (2 on the server's clock)");
  // All four in the (1 ms, 2.5 ms] bucket: the median interpolates to its middle.
  assert.ok(Math.abs((first.p50Ms ?? 0) - 1.75) < 1e-9);
  assert.deepEqual(first.fallback, {
    none: 0.75,
    "cached-events": 0,
    "context-popularity": 0,
    "global-popularity": 0.25,
  });
  assert.equal(first.errorRate, 0);

  observe(0.3, "5xx");
  now += 1_000;
  const second = await sampler.sample();
  assert.equal(second.requests, 1);
  assert.equal(second.errorRate, 1);
  assert.equal(second.fallback, null, "no lists in this interval");
  now += 1_000;
  const third = await sampler.sample();
  assert.equal(third.requests, 0);
  assert.equal(third.p99Ms, null);
  assert.deepEqual(
    sampler.series.toArray().map((p) => p.t),
    [1_004_000, 1_004_000 - 1_000].reverse(),
    "the series keeps the newest two",
  );
  now -= 60_000;
  await sampler.sample();
  assert.equal(sampler.series.size, 1, "a clock that went back starts a new series");
});

test("Wilson intervals match the textbook values", () => {
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  const a = wilsonInterval(5, 10);
  assert.deepEqual([round(a.low), round(a.high)], [0.2366, 0.7634]);
  const b = wilsonInterval(0, 10);
  assert.deepEqual([round(b.low), round(b.high)], [0, 0.2775]);
  assert.deepEqual(wilsonInterval(0, 0), { rate: 0, low: 0, high: 1 });
});
