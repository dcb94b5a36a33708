import assert from "node:assert/strict";
import { after, test } from "node:test";
import { freePort } from "../core/ports.js";
import { DriftConfigSchema } from "../drift/drift-config.js";
import { servingFixture } from "../server/testing/serving-fixture.js";
import { remoteDriftSignal } from "./drift-signal.js";
import { checkFreshness, FreshnessRulesSchema } from "./freshness.js";

const TOKEN = "drift-signal-token-0123456789";
const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const step of cleanup.reverse()) await step();
});

test("a replica's drift report reaches the retrainer's freshness check over HTTP", async () => {
  // Thresholds no live window can stay under: every feature with samples drifts.
  const drift = DriftConfigSchema.parse({
    minSamples: 1,
    psiThreshold: 1e-9,
    ksThreshold: 1e-9,
    ksAlpha: 0.999,
    retrain: { onDrift: true, features: ["price_level", "cuisine"] },
  });
  const serving = await servingFixture({ adminToken: TOKEN, drift });
  cleanup.push(() => serving.close());
  const base = await serving.app.listen({ port: 0, host: "127.0.0.1" });
  for (let u = 0; u < 30; u++) {
    const user = serving.model.users.idAt(u);
    const listed = await serving.app.inject({ url: `/v1/recommendations?user_id=${user}&k=10` });
    assert.equal(listed.statusCode, 200);
  }

  const features = await remoteDriftSignal(base, TOKEN)();
  assert.deepEqual([...features].sort(), ["cuisine", "price_level"], "only the watched features ask");
  const fresh = { snapshotInteractions: 1000, newInteractions: 5, registeredAt: 0, now: 1000 };
  const rules = FreshnessRulesSchema.parse({});
  assert.equal(checkFreshness(fresh, rules).stale, false);
  assert.equal(checkFreshness({ ...fresh, drifted: features }, rules).stale, true);

  await assert.rejects(remoteDriftSignal(base, "wrong-token-0123456789")(), /answered 401/);
  const closed = `http://127.0.0.1:${await freePort()}`;
  await assert.rejects(remoteDriftSignal(closed, TOKEN, 500)());
});
