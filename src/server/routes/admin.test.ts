import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ModelRegistry } from "../../experiments/registry.js";
import { popularityOnlyModel } from "../../experiments/testing/canary-fixture.js";
import { openStateStore } from "../../storage/state/open-state-store.js";
import { ServeConfigSchema } from "../serve-config.js";
import { createServing, type RunningServer } from "../server.js";
import { trainedCityModel } from "../testing/serving-fixture.js";

const TOKEN = "test-admin-token-0123456789";
let dir: string;
let serving: RunningServer;
let candidate: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-admin-"));
  const store = await openStateStore(`sqlite:${join(dir, "state.db")}`);
  const registry = new ModelRegistry(store, { dir });
  await registry.register((await trainedCityModel()).modelDir, {
    actor: "test",
    reason: "seed",
    champion: true,
  });
  candidate = (await registry.register(await popularityOnlyModel(), { actor: "test", reason: "candidate" }))
    .version;
  await store.close();
  serving = await createServing(
    { registry: dir },
    ServeConfigSchema.parse({
      eventLog: `sqlite:${join(dir, "events.db")}`,
      spillPath: join(dir, "spill"),
      adminToken: TOKEN,
    }),
  );
});
after(async () => {
  await serving?.close();
  await rm(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };

test("admin routes refuse requests without the bearer token", async () => {
  for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: TOKEN }]) {
    const response = await serving.app.inject({ url: "/v1/admin/models", headers });
    assert.equal(response.statusCode, 401);
    assert.match(response.headers["content-type"] as string, /problem\+json/);
    assert.ok(!response.body.includes(TOKEN), "the token never appears in a response");
  }
});

test("an admin starts a canary, the replica follows it, and promotes it", async () => {
  const started = await serving.app.inject({
    method: "POST",
    url: `/v1/admin/models/${candidate}/canary`,
    headers: auth,
    payload: { percent: 100 },
  });
  assert.equal(started.statusCode, 202, started.body);
  const again = await serving.app.inject({
    method: "POST",
    url: `/v1/admin/models/${candidate}/canary`,
    headers: auth,
    payload: {},
  });
  assert.equal(again.statusCode, 409, "a second canary while one runs is a conflict");
  const unknown = await serving.app.inject({
    method: "POST",
    url: "/v1/admin/models/no-such-version/promote",
    headers: auth,
  });
  assert.equal(unknown.statusCode, 404, unknown.body);
  await serving.syncRegistry();
  const rec = (await serving.app.inject({ url: "/v1/recommendations?user_id=u001" })).json();
  assert.equal(rec.variant, "canary");
  assert.equal(rec.model_version, candidate);
  const experiment = (await serving.app.inject({ url: "/v1/admin/experiment", headers: auth })).json();
  assert.equal(experiment.experiment.canary, candidate);

  // Paused, the canary's users get the champion until it resumes; the history records both.
  const pause = (action: string) =>
    serving.app.inject({ method: "POST", url: `/v1/admin/experiment/${action}`, headers: auth });
  assert.equal((await pause("pause")).statusCode, 202);
  await serving.syncRegistry();
  const paused = (await serving.app.inject({ url: "/v1/recommendations?user_id=u001" })).json();
  assert.equal(paused.variant, "champion");
  assert.equal((await pause("resume")).statusCode, 202);
  await serving.syncRegistry();
  assert.equal(
    (await serving.app.inject({ url: "/v1/recommendations?user_id=u001" })).json().variant,
    "canary",
  );
  const unauthorised = await serving.app.inject({ method: "POST", url: "/v1/admin/experiment/pause" });
  assert.equal(unauthorised.statusCode, 401);

  const promoted = await serving.app.inject({
    method: "POST",
    url: `/v1/admin/models/${candidate}/promote`,
    headers: auth,
  });
  assert.equal(promoted.statusCode, 202, promoted.body);
  const models = (await serving.app.inject({ url: "/v1/admin/models", headers: auth })).json();
  const record = models.versions.find((v: { version: string }) => v.version === candidate);
  assert.equal(record.stage, "champion");
  assert.deepEqual(
    record.history.map((t: { to: string; actor: string }) => [t.to, t.actor]),
    [
      ["candidate", "test"],
      ["canary", "admin"],
      ["canary", "admin"],
      ["canary", "admin"],
      ["champion", "admin"],
    ],
  );
  await serving.syncRegistry();
  const after = (await serving.app.inject({ url: "/v1/recommendations?user_id=u001" })).json();
  assert.equal(after.variant, "champion");
  assert.equal(after.model_version, candidate);
});
