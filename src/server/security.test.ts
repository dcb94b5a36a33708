import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { promisify } from "node:util";
import type { ModelRegistry } from "../experiments/registry.js";
import { openFeatureStore } from "../storage/features/open-feature-store.js";
import { ServingMetrics } from "../telemetry/metrics.js";
import { checkProductionToken, isAdmin } from "./admin-auth.js";
import { buildApp } from "./app.js";
import type { AppContext } from "./app-context.js";
import { redactUrl } from "./log-redaction.js";
import { servingFixture } from "./testing/serving-fixture.js";

const TOKEN = "s3cr3t-admin-token-abcdefgh";

test("isAdmin accepts exactly 'Bearer <token>' (scheme in any case) and nothing else", () => {
  assert.equal(isAdmin(`Bearer ${TOKEN}`, TOKEN), true);
  assert.equal(isAdmin(`bearer ${TOKEN}`, TOKEN), true);
  for (const header of [
    undefined,
    "",
    TOKEN,
    `Bearer ${TOKEN} `,
    `Bearer  ${TOKEN}`,
    `Bearer ${TOKEN.slice(0, -1)}`,
    `Bearer ${TOKEN}x`,
    `Basic ${TOKEN}`,
    "Bearer ",
  ]) {
    assert.equal(isAdmin(header, TOKEN), false, String(header));
  }
  assert.equal(isAdmin("Bearer ", ""), false, "an empty configured token matches nothing");
});

test("production mode refuses to start without an admin token of at least 16 characters", () => {
  assert.doesNotThrow(() => checkProductionToken({}, {}), "outside production nothing is required");
  assert.throws(() => checkProductionToken({ production: true }, {}), /PALATE_ADMIN_TOKEN/);
  assert.throws(() => checkProductionToken({}, { NODE_ENV: "production" }), /no admin token/);
  assert.throws(
    () => checkProductionToken({ production: true }, { PALATE_ADMIN_TOKEN: "short" }),
    /at least 16 characters/,
  );
  assert.doesNotThrow(() => checkProductionToken({ production: true }, { PALATE_ADMIN_TOKEN: TOKEN }));
  assert.doesNotThrow(() => checkProductionToken({ production: true, adminToken: TOKEN }, {}));
});

test("`palate serve --production` without a token exits 2 with the reason, before loading anything", async () => {
  const main = new URL("../cli/main.ts", import.meta.url).pathname;
  const env = { ...process.env };
  delete env.PALATE_ADMIN_TOKEN;
  for (const [args, extra] of [
    [["--production"], {}],
    [[], { NODE_ENV: "production" }],
  ] as const) {
    const result = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", main, "serve", "--model", "/nonexistent/model", ...args],
      { env: { ...env, ...extra } },
    ).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(result.code, 2);
    assert.match(result.stderr, /production mode.*no admin token: set PALATE_ADMIN_TOKEN/);
    assert.doesNotMatch(result.stderr, /nonexistent/, "the check comes before the model is loaded");
  }
});

test("redactUrl hides credential-like query values and every occurrence of a known secret", () => {
  assert.equal(
    redactUrl(`/v1/x?user_id=u1&token=${TOKEN}&k=5&api_key=abc&Authorization=x`),
    "/v1/x?user_id=u1&token=[REDACTED]&k=5&api_key=[REDACTED]&Authorization=[REDACTED]",
  );
  assert.equal(
    redactUrl(`/v1/items/${TOKEN}/similar?q=${TOKEN}`, [TOKEN]),
    "/v1/items/[REDACTED]/similar?q=[REDACTED]",
  );
  assert.equal(redactUrl("/v1/x?%ZZ=1&a"), "/v1/x?%ZZ=1&a", "malformed names are left as they are");
});

test("with request logging on, no token reaches the log: header, query string or path", async () => {
  const lines: string[] = [];
  const registry = { status: async () => ({ versions: [], experiment: null }) } as unknown as ModelRegistry;
  const context: AppContext = {
    service: null,
    featureStore: await openFeatureStore("memory:"),
    events: { offer: () => "queued", retryAfterSeconds: () => 1 },
    metrics: new ServingMetrics(),
    modelName: "palate",
    clock: Date.now,
  };
  const app = await buildApp(context, {
    logger: true,
    logStream: { write: (line: string) => lines.push(line) },
    admin: { token: TOKEN, registry, rules: {} as never, catalog: () => ({}) as never },
  });
  try {
    const auth = { authorization: `Bearer ${TOKEN}`, "x-api-key": TOKEN, cookie: `session=${TOKEN}` };
    assert.equal((await app.inject({ url: "/v1/admin/models", headers: auth })).statusCode, 200);
    assert.equal((await app.inject({ url: `/v1/admin/models?token=${TOKEN}` })).statusCode, 401);
    await app.inject({ url: `/v1/recommendations?user_id=u1&access_token=${TOKEN}`, headers: auth });
    await app.inject({ url: `/v1/items/${TOKEN}/similar?note=${encodeURIComponent(TOKEN)}` });
    await app.inject({ method: "POST", url: "/v1/events", headers: auth, payload: { type: "x" } });
    const log = lines.join("");
    assert.ok(lines.length >= 10, `request logging is on (${lines.length} lines)`);
    assert.match(log, /\/v1\/admin\/models\?token=\[REDACTED\]/, "the request is still logged, redacted");
    assert.match(log, /"statusCode":401/);
    assert.ok(!log.includes(TOKEN), `the token is in the log:\n${log}`);
  } finally {
    await app.close();
    await context.featureStore.close();
  }
});

test("eventRateLimit in the serving configuration limits POST /v1/events of a real server", async () => {
  const fx = await servingFixture({
    eventRateLimit: { eventsPerSecond: 0.001, burst: 2, by: "ip" } as never,
  });
  try {
    const event = { type: "click", user_id: "u1", item_id: fx.model.catalog.ids.idAt(0) };
    const post = () => fx.app.inject({ method: "POST", url: "/v1/events", payload: [event] });
    assert.equal((await post()).statusCode, 202);
    assert.equal((await post()).statusCode, 202);
    const refused = await post();
    assert.equal(refused.statusCode, 429, refused.body);
    assert.ok(Number(refused.headers["retry-after"]) >= 1);
    assert.equal((await fx.app.inject({ url: "/healthz" })).statusCode, 200, "other routes are not limited");
  } finally {
    await fx.close();
  }
});

test("bodyLimitBytes from the configuration bounds every body route with a 413 problem", async () => {
  const fx = await servingFixture({ bodyLimitBytes: 4096 });
  try {
    const item = fx.model.catalog.ids.idAt(0);
    const user = fx.model.users.idAt(0);
    const padded = (fields: Record<string, unknown>, bytes: number) => {
      const text = JSON.stringify({ ...fields, title: "" });
      return text.replace('"title":""', `"title":"${"x".repeat(bytes - text.length)}"`);
    };
    const routes = [
      { method: "POST" as const, url: "/v1/events" },
      { method: "PUT" as const, url: `/v1/items/${item}` },
      { method: "PUT" as const, url: `/v1/users/${user}/preferences` },
      { method: "POST" as const, url: "/v2/models/palate/infer" },
    ];
    for (const route of routes) {
      const response = await fx.app.inject({
        ...route,
        headers: { "content-type": "application/json" },
        payload: padded({}, 4097),
      });
      assert.equal(response.statusCode, 413, `${route.url}: ${response.body}`);
    }
    // Exactly at the limit: attributes of 1,000 characters (the schema allows 1,024) filled up.
    const attributes: Record<string, string> = Object.fromEntries(
      ["a", "b", "c", "e"].map((k) => [k, "x".repeat(1000)]),
    );
    const base = JSON.stringify({ attributes: { ...attributes, d: "" } }).length;
    const payload = JSON.stringify({ attributes: { ...attributes, d: "x".repeat(4096 - base) } });
    assert.equal(payload.length, 4096);
    const fits = await fx.app.inject({
      method: "PUT",
      url: `/v1/items/${item}`,
      headers: { "content-type": "application/json" },
      payload,
    });
    assert.equal(fits.statusCode, 200, fits.body);
  } finally {
    await fx.close();
  }
});
