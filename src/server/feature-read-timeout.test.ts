import assert from "node:assert/strict";
import { test } from "node:test";
import { GuardedFeatureStore } from "../recommend/guarded-feature-store.js";
import { busyWait } from "../recommend/testing/busy-wait.js";
import { openFeatureStore } from "../storage/features/open-feature-store.js";
import { redisForThisFile } from "../storage/testing/redis-per-file.js";
import { featureStoreCommandTimeoutMs } from "./server.js";

const { skip, server } = redisForThisFile();

test("a read answered during a long turn is served, not failed by the client's own timer", {
  skip,
}, async () => {
  // As `palate serve` opens it, with the default 20 ms read budget.
  const store = await openFeatureStore(server().url, {
    redis: { commandTimeoutMs: featureStoreCommandTimeoutMs({ featureStoreTimeoutMs: 20 }) },
  });
  try {
    const guard = new GuardedFeatureStore(store, { timeoutMs: 20, failureThreshold: 1, cooldownMs: 60_000 });
    assert.notEqual(typeof (await guard.getUser("warm", "v1", 50)), "string", "the connection is up");
    const reading = guard.getUser("u1", "v1", 50);
    // Let the read leave (reads are written at the turn's check phase), then hold the loop past the
    // 20 ms budget while Redis answers: at the next turn the reply waits in the socket, and every
    // timer of the read is due.
    await new Promise((resolve) => setImmediate(resolve));
    busyWait(30);
    const result = await reading;
    assert.equal(typeof result, "object", `the read gave '${String(result)}'`);
    assert.equal(guard.circuitOpen, false);
  } finally {
    await store.close();
  }
});

test("the client's command timeout is a backstop far above the read budget", () => {
  assert.equal(featureStoreCommandTimeoutMs({ featureStoreTimeoutMs: 20 }), 1000);
  assert.equal(featureStoreCommandTimeoutMs({ featureStoreTimeoutMs: 2000 }), 8000);
});
