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
import { describeRequest, send, violation } from "./http-oracle.js";
import { FUZZ_ROUTES, type FuzzTarget, fuzzRequests } from "./http-requests.js";
import { nastyCases } from "./nasty-requests.js";

// PALATE_FUZZ_SEED and PALATE_FUZZ_CASES reproduce or widen a run; CI uses the defaults.
const SEED = Number(process.env.PALATE_FUZZ_SEED ?? 20261127);
const CASES = Number(process.env.PALATE_FUZZ_CASES ?? 3000);
const TOKEN = "fuzz-admin-token-0123456789abcdef";

let dir: string;
let serving: RunningServer;
let target: FuzzTarget;
const asyncFailures: unknown[] = [];
const recordFailure = (error: unknown) => asyncFailures.push(error);

before(async () => {
  process.on("unhandledRejection", recordFailure);
  process.on("uncaughtException", recordFailure);
  dir = await mkdtemp(join(tmpdir(), "palate-fuzz-"));
  const store = await openStateStore(`sqlite:${join(dir, "state.db")}`);
  const registry = new ModelRegistry(store, { dir });
  const champion = await registry.register((await trainedCityModel()).modelDir, {
    actor: "test",
    reason: "seed",
    champion: true,
  });
  const candidate = await registry.register(await popularityOnlyModel(), {
    actor: "test",
    reason: "candidate",
  });
  await store.close();
  serving = await createServing(
    { registry: dir },
    ServeConfigSchema.parse({
      eventLog: `sqlite:${join(dir, "events.db")}`,
      spillPath: join(dir, "spill"),
      itemSyncMs: 60_000,
      adminToken: TOKEN,
    }),
  );
  const model = serving.context.service?.model;
  assert.ok(model, "a model is served");
  target = {
    users: Array.from({ length: 5 }, (_, i) => model.users.idAt(i)),
    items: Array.from({ length: 5 }, (_, i) => model.catalog.ids.idAt(i)),
    versions: [champion.version, candidate.version],
    modelName: serving.context.modelName,
    adminToken: TOKEN,
  };
});

after(async () => {
  process.off("unhandledRejection", recordFailure);
  process.off("uncaughtException", recordFailure);
  await serving?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The server still answers a plain request correctly. */
async function assertHealthy(): Promise<void> {
  assert.equal((await send(serving.app, { method: "GET", url: "/healthz", headers: {} })).status, 200);
  const rec = await send(serving.app, {
    method: "GET",
    url: `/v1/recommendations?user_id=${encodeURIComponent(target.users[0])}&k=3`,
    headers: {},
  });
  assert.equal(rec.status, 200, rec.body);
  assert.equal(JSON.parse(rec.body).items.length, 3);
}

test("hand-picked nasty requests get the right 2xx or 4xx problem details", async () => {
  const wrong: string[] = [];
  for (const c of nastyCases(target)) {
    const outcome = await send(serving.app, c.request);
    const broken = violation(c.request, outcome);
    if (broken || outcome.status !== c.status) {
      wrong.push(
        `${c.name}: got ${outcome.status} (want ${c.status})${broken ? `, ${broken}` : ""}: ${outcome.body.slice(0, 160)}`,
      );
    }
  }
  assert.deepEqual(wrong, []);
  assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype is untouched");
  await assertHealthy();
});

// Found by the fuzzer (seed 1, case 3436): an event with value 1e308 (or a negative value) made
// the user's fold-in NaN or indefinite, and every later recommendation for that user a 500.
test("events with extreme values do not break the user's later recommendations", async () => {
  for (const [i, value] of [1e308, -1e308, -50, 0, 3.4e38].entries()) {
    const user = `poisoned-${i}`;
    const posted = await send(serving.app, {
      method: "POST",
      url: "/v1/events",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ type: "rating", user_id: user, item_id: target.items[1], value }),
    });
    assert.equal(posted.status, 202, posted.body);
    for (const url of [`/v1/recommendations?user_id=${user}&k=3`]) {
      const rec = await send(serving.app, { method: "GET", url, headers: {} });
      assert.equal(rec.status, 200, `value ${value}: ${rec.body}`);
      assert.equal(JSON.parse(rec.body).items.length, 3);
    }
    const inferred = await send(serving.app, {
      method: "POST",
      url: `/v2/models/${target.modelName}/infer`,
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ inputs: [{ name: "user_id", shape: [1], datatype: "BYTES", data: [user] }] }),
    });
    assert.equal(inferred.status, 200, `value ${value}: ${inferred.body}`);
  }
});

test(`${CASES} seeded random requests over ${FUZZ_ROUTES.length} route groups: never a 5xx, a hang or a crash`, async (t) => {
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let i = 0;
  for (const request of fuzzRequests(SEED, CASES, target)) {
    let outcome: Awaited<ReturnType<typeof send>>;
    try {
      outcome = await send(serving.app, request);
    } catch (error) {
      failures.push(`#${i} ${(error as Error).message}: ${describeRequest(request)}`);
      break; // a hang or a dead app: later cases would say nothing new
    }
    statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
    const broken = violation(request, outcome);
    if (broken) failures.push(`#${i} ${broken}\n    ${describeRequest(request)}`);
    i++;
  }
  t.diagnostic(`seed ${SEED}: statuses ${JSON.stringify([...statuses].sort((a, b) => a[0] - b[0]))}`);
  assert.deepEqual(failures.slice(0, 10), [], `seed ${SEED}: ${failures.length} failures`);
  // The generator reaches both sides of the contract: accepted requests and refused ones.
  const count = (from: number, to: number) =>
    [...statuses].filter(([s]) => s >= from && s < to).reduce((n, [, c]) => n + c, 0);
  assert.ok(count(200, 300) > CASES / 20, `enough accepted requests: ${JSON.stringify([...statuses])}`);
  assert.ok(count(400, 500) > CASES / 5, `enough refused requests: ${JSON.stringify([...statuses])}`);
  assert.deepEqual(asyncFailures, [], "no unhandled rejection or uncaught exception");
  await assertHealthy();
});
