import assert from "node:assert/strict";
import { after, test } from "node:test";
import { dashboardServing } from "./testing/dashboard-fixture.js";

const TOKEN = "dashboard-test-token-0123456789";
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers) await close();
});

async function serving(...args: Parameters<typeof dashboardServing>) {
  const s = await dashboardServing(...args);
  closers.push(() => s.close());
  return s;
}

test("the page, its scripts and uPlot are served with a content security policy", async () => {
  const { app } = await serving();
  const page = await app.inject({ method: "GET", url: "/dashboard" });
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers["content-type"]), /^text\/html/);
  assert.match(String(page.headers["content-security-policy"]), /script-src 'self'/);
  assert.match(page.body, /\/dashboard\/assets\/app\.js/);
  const script = await app.inject({ method: "GET", url: "/dashboard/assets/app.js" });
  assert.equal(script.statusCode, 200);
  assert.match(String(script.headers["content-type"]), /^text\/javascript/);
  const chart = await app.inject({ method: "GET", url: "/dashboard/vendor/uPlot.esm.js" });
  assert.equal(chart.statusCode, 200);
  assert.match(chart.body, /export \{[^}]*uPlot as default/);
  for (const url of ["/dashboard/assets/nope.js", "/dashboard/assets/..%2Fdashboard-routes.ts"]) {
    const missing = await app.inject({ method: "GET", url });
    assert.equal(missing.statusCode, 404, url);
    assert.match(String(missing.headers["content-type"]), /application\/problem\+json/);
  }
});

test("without a token and outside demo mode the registry views are off, saying how to turn them on", async () => {
  const { app } = await serving();
  const config = (await app.inject({ method: "GET", url: "/v1/dashboard/config" })).json();
  assert.equal(config.access, "off");
  assert.equal(config.registry, false);
  assert.equal(config.writes, false);
  const status = await app.inject({ method: "GET", url: "/v1/dashboard/status" });
  assert.equal(status.statusCode, 404);
  assert.match(status.json().detail, /PALATE_ADMIN_TOKEN/);
  // The serving charts stay public, like /metrics.
  assert.equal((await app.inject({ method: "GET", url: "/v1/dashboard/serving" })).statusCode, 200);
});

test("with a token the registry views need it; demo mode opens them read-only", async () => {
  const guarded = await serving({ adminToken: TOKEN });
  assert.equal(
    (await guarded.app.inject({ method: "GET", url: "/v1/dashboard/config" })).json().access,
    "token",
  );
  const refused = await guarded.app.inject({ method: "GET", url: "/v1/dashboard/status" });
  assert.equal(refused.statusCode, 401);
  assert.equal(refused.headers["www-authenticate"], "Bearer");
  const wrong = await guarded.app.inject({
    method: "GET",
    url: "/v1/dashboard/status",
    headers: { authorization: "Bearer not-the-token" },
  });
  assert.equal(wrong.statusCode, 401);
  const allowed = await guarded.app.inject({
    method: "GET",
    url: "/v1/dashboard/status",
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(allowed.statusCode, 200);
  const body = allowed.json();
  assert.equal(body.models, null, "one model version, not a registry");
  assert.equal(body.serving.champion, guarded.context.service?.model.version);

  const demo = await serving({}, { demo: true });
  assert.equal((await demo.app.inject({ method: "GET", url: "/v1/dashboard/config" })).json().access, "open");
  assert.equal((await demo.app.inject({ method: "GET", url: "/v1/dashboard/status" })).statusCode, 200);
});

test("the serving series counts the recommendations answered since the last sample", async () => {
  const { app, context, dashboard } = await serving();
  const model = context.service?.model;
  assert.ok(model);
  await dashboard.sampleNow();
  const users = Array.from({ length: 7 }, (_, u) => model.users.idAt(u));
  for (const user of users) {
    const r = await app.inject({ method: "GET", url: `/v1/recommendations?user_id=${user}&k=5` });
    assert.equal(r.statusCode, 200);
  }
  // A user the model has never seen gets a fallback list.
  await app.inject({ method: "GET", url: "/v1/recommendations?user_id=nobody-at-all&k=5" });
  await dashboard.sampleNow();
  const { points } = (await app.inject({ method: "GET", url: "/v1/dashboard/serving" })).json();
  const last = points.at(-1);
  assert.equal(last.requests, 8);
  assert.ok(last.p50Ms > 0 && last.p50Ms <= last.p95Ms && last.p95Ms <= last.p99Ms);
  const shares = Object.values(last.fallback as Record<string, number>);
  assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  assert.ok(last.fallback.none < 1, "the unknown user's list was a fallback");
  assert.equal(last.errorRate, 0);
});

test("places give a user's home and the coordinates of listed items; bad ids are named", async () => {
  const { app, context } = await serving();
  const model = context.service?.model;
  assert.ok(model);
  const user = model.users.idAt(0);
  const items = [model.catalog.ids.idAt(0), model.catalog.ids.idAt(1), "not-an-item"];
  const res = await app.inject({
    method: "GET",
    url: `/v1/dashboard/places?user_id=${user}&items=${items.join(",")}`,
  });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.user.home.source, "profile", "the city's users have a home in their training profile");
  assert.ok(Number.isFinite(body.user.home.lat) && Number.isFinite(body.user.home.lon));
  assert.equal(body.items.length, 3);
  assert.ok(Number.isFinite(body.items[0].lat) && body.items[0].categories.length > 0);
  assert.deepEqual(body.items[2], { item_id: "not-an-item", known: false });

  const long = await app.inject({ method: "GET", url: `/v1/dashboard/places?items=a,${"x".repeat(300)}` });
  assert.equal(long.statusCode, 400);
  assert.match(long.json().detail, /items\[1\]/);
  const many = Array.from({ length: 101 }, (_, i) => `i${i}`).join(",");
  const tooMany = await app.inject({ method: "GET", url: `/v1/dashboard/places?items=${many}` });
  assert.equal(tooMany.statusCode, 400);
  assert.match(tooMany.json().detail, /at most 100/);
  const unknownField = await app.inject({ method: "GET", url: "/v1/dashboard/places?item=a" });
  assert.equal(unknownField.statusCode, 400);

  const catalog = (await app.inject({ method: "GET", url: "/v1/dashboard/catalog" })).json();
  assert.equal(catalog.points.length, catalog.located_items);
  assert.equal(catalog.located_items, model.catalog.size, "every city restaurant has a location");
  assert.ok(catalog.users.length > 0 && catalog.users.every((u: string) => model.users.has(u)));
});
