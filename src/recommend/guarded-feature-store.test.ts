import assert from "node:assert/strict";
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";
import { test } from "node:test";
import type { FeatureStore, UserFeatures } from "../storage/features/feature-store.js";
import { GuardedFeatureStore } from "./guarded-feature-store.js";
import { busyWait } from "./testing/busy-wait.js";

const FEATURES: UserFeatures = { vector: null, list: null, recent: [], preferences: null };

/** A store answering each read when a byte arrives on `socket` (a real socket: I/O, not a timer). */
function socketStore(socket: Socket): FeatureStore {
  return {
    getUser: () => once(socket, "data").then(() => FEATURES),
  } as unknown as FeatureStore;
}

test("a read that never answers times out; consecutive failures open the circuit", async () => {
  const never = { getUser: () => new Promise(() => {}) } as unknown as FeatureStore;
  // A budget long enough that a busy test machine cannot delay the timer by a whole budget
  // (a timer that late is not counted: see the next test but one).
  const guard = new GuardedFeatureStore(never, { timeoutMs: 100, failureThreshold: 2, cooldownMs: 60_000 });
  assert.equal(await guard.getUser("u", "v"), "timeout");
  assert.equal(await guard.getUser("u", "v"), "timeout");
  assert.equal(await guard.getUser("u", "v"), "circuit-open");
});

test("a reply that arrived before the deadline wins over a timer delayed by a long turn", async () => {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  const client = connect(port, "127.0.0.1");
  const [accepted] = (await once(server, "connection")) as [Socket];
  await once(client, "connect");
  try {
    const guard = new GuardedFeatureStore(socketStore(client), { timeoutMs: 5 });
    const reading = guard.getUser("u", "v");
    accepted.write("x");
    // The byte is in the client's socket by now; the turn then runs past the timer's deadline,
    // so at the next loop turn both the timer and the reply are due, and timers run first.
    busyWait(30);
    assert.deepEqual(await reading, FEATURES);
  } finally {
    client.destroy();
    accepted.destroy();
    server.close();
  }
});

test("timeouts that fired a budget late (this process was blocked) do not open the circuit", async () => {
  const never = { getUser: () => new Promise(() => {}) } as unknown as FeatureStore;
  const guard = new GuardedFeatureStore(never, { timeoutMs: 20, failureThreshold: 2, cooldownMs: 60_000 });
  for (let i = 0; i < 3; i++) {
    const reading = guard.getUser("u", "v");
    busyWait(60);
    assert.equal(await reading, "timeout");
  }
  // Three failures against a threshold of two: counted, they would have opened it.
  assert.equal(guard.circuitOpen, false);
});

/** A store whose reply comes `ms` after the read was asked for (a timer: not settled by I/O). */
function slowStore(ms: number): FeatureStore {
  return {
    getUser: () => new Promise((resolve) => setTimeout(resolve, ms, FEATURES)),
  } as unknown as FeatureStore;
}

test("a read whose timer fired late (this process was blocked) gets the rest of the deadline", async () => {
  const guard = new GuardedFeatureStore(slowStore(70), { timeoutMs: 20, failureThreshold: 1 });
  const reading = guard.getUser("u", "v", 150);
  // The timer is due at 20 ms but fires after the 45-ms turn; the reply is due at 70 ms.
  busyWait(45);
  assert.deepEqual(await reading, FEATURES);
  assert.equal(guard.circuitOpen, false);
});

test("a late timer extends a read to the deadline and no further", async () => {
  const guard = new GuardedFeatureStore(slowStore(400), { timeoutMs: 20, failureThreshold: 1 });
  const started = performance.now();
  const reading = guard.getUser("u", "v", 90);
  busyWait(45);
  assert.equal(await reading, "timeout");
  const ms = performance.now() - started;
  assert.ok(ms >= 89 && ms < 400, `settled after ${ms.toFixed(0)} ms: the deadline is 90`);
  // Late, so not counted: a threshold of one would otherwise have opened the circuit.
  assert.equal(guard.circuitOpen, false);
});

test("a timer on time settles at the timeout, whatever the deadline", async () => {
  const guard = new GuardedFeatureStore(slowStore(400), {
    timeoutMs: 20,
    failureThreshold: 1,
    cooldownMs: 60_000,
  });
  const started = performance.now();
  assert.equal(await guard.getUser("u", "v", 300), "timeout");
  assert.ok(performance.now() - started < 300, "no extension for a store that is merely slow");
  assert.equal(guard.circuitOpen, true);
});
