import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadCityModel } from "../server/testing/serving-fixture.js";
import type { UserFeatures } from "../storage/features/feature-store.js";
import { MemoryFeatureStore } from "../storage/features/memory-feature-store.js";
import { GuardedFeatureStore } from "./guarded-feature-store.js";
import { RecommendService } from "./recommend-service.js";
import { ServingModel } from "./serving-model.js";

/** A feature store that is down: every read fails, as with Redis killed. */
class DownFeatureStore extends MemoryFeatureStore {
  override async getUser(): Promise<UserFeatures> {
    throw new Error("connection refused");
  }
}

/** A service whose store always fails (the circuit never opens) and whose clock the test moves. */
async function serviceWithoutStore(searchesPerSecond: number) {
  const model = ServingModel.from(await loadCityModel());
  const clock = { ms: 1_000 };
  const guard = new GuardedFeatureStore(new DownFeatureStore(), {
    failureThreshold: Number.MAX_SAFE_INTEGER,
  });
  const service = new RecommendService(model, guard, {
    fallbackSearchesPerSecond: searchesPerSecond,
    now: () => clock.ms,
  });
  let shed = 0;
  service.onFallbackShed = () => shed++;
  const users = Array.from({ length: 8 }, (_, u) => model.users.idAt(u));
  const ask = (userId: string) => service.recommend({ userId, k: 5, exclude: [], diversity: 0 });
  return { clock, users, ask, shed: () => shed };
}

describe("the fallback search budget", () => {
  it("searches for trained users up to the budget, then answers with popularity until it refills", async () => {
    const s = await serviceWithoutStore(2);
    const first = await Promise.all(s.users.slice(0, 3).map(s.ask));
    assert.deepEqual(
      first.map((r) => r.source),
      ["cached-events", "cached-events", "global-popularity"],
    );
    assert.equal(first[2].fallback, "global-popularity");
    assert.ok(first[2].items.every((i) => i.reasons.join() === "popularity"));
    assert.equal(s.shed(), 1);
    // Half a second at two a second buys one search: the user shed a moment ago gets it.
    s.clock.ms += 500;
    const again = await s.ask(s.users[2]);
    assert.equal(again.source, "cached-events", "a shed answer is not cached for the user");
    assert.equal(again.cached, false);
    assert.equal((await s.ask(s.users[3])).source, "global-popularity");
    assert.equal(s.shed(), 2);
    // A cached personal answer costs no search and is still served.
    const repeat = await s.ask(s.users[0]);
    assert.equal(repeat.cached, true);
    assert.equal(repeat.source, "cached-events");
    assert.equal(s.shed(), 2);
  });

  it("with a budget of 0 never searches, and unknown users spend nothing", async () => {
    const s = await serviceWithoutStore(0);
    for (const userId of s.users.slice(0, 4)) assert.equal((await s.ask(userId)).source, "global-popularity");
    assert.equal(s.shed(), 4);
    assert.equal((await s.ask("someone-new")).source, "global-popularity");
    assert.equal(s.shed(), 4, "a user the model does not know had no search to shed");
  });
});
