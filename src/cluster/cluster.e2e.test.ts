import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startPalate } from "../cli/testing/run-palate.js";
import { ModelRegistry } from "../experiments/registry.js";
import { popularityOnlyModel } from "../experiments/testing/canary-fixture.js";
import { loadModel } from "../models/model-kinds.js";
import { trainedCityModel } from "../server/testing/serving-fixture.js";
import { RedisEventSink } from "../storage/events/redis-event-sink.js";
import { openStateStore } from "../storage/state/open-state-store.js";
import { type Cluster, startCluster } from "./cluster.js";
import { REDIS_SERVER_PATH } from "./redis-process.js";

// One cluster for the whole file, N = 3, exercised in order: sticky variants, a promotion, events
// exactly once, then a serving process killed under load (last, since it leaves two).
const skip = existsSync(REDIS_SERVER_PATH) ? false : `no redis-server at ${REDIS_SERVER_PATH}`;
const TOKEN = "cluster-test-admin-token-0123456789";
let cluster: Cluster;
let dir: string;
let userIds: string[];
let itemIds: string[];
let candidate: string;

before(async () => {
  if (skip) return;
  dir = await mkdtemp(join(tmpdir(), "palate-cluster-"));
  const { modelDir } = await trainedCityModel();
  cluster = await startCluster({
    replicas: 3,
    model: modelDir,
    port: 0,
    dir,
    env: { PALATE_ADMIN_TOKEN: TOKEN },
  });
  const loaded = await loadModel(modelDir);
  userIds = loaded.users.toArray().slice(0, 60);
  itemIds = loaded.items.toArray().slice(0, 20);
  // The canary: a second version, registered in the shared state store as any operator would.
  const store = await openStateStore(cluster.stateUrl);
  try {
    const registry = new ModelRegistry(store, { dir: cluster.registryDir });
    candidate = (await registry.register(await popularityOnlyModel(), { actor: "test", reason: "candidate" }))
      .version;
  } finally {
    await store.close();
  }
});

after(async () => {
  if (skip) return;
  const pids = [...cluster.replicas.map((r) => r.pid), cluster.controllerPid, cluster.redisPid];
  await cluster?.stop();
  // Every child reaped: no pid of the cluster is still alive.
  for (const pid of pids)
    assert.throws(() => process.kill(pid as number, 0), { code: "ESRCH" }, `pid ${pid}`);
  await rm(dir, { recursive: true, force: true });
});

interface Served {
  variant: string;
  model_version: string;
}

async function recommend(base: string, user: string): Promise<Served> {
  const response = await fetch(`${base}/v1/recommendations?user_id=${encodeURIComponent(user)}&k=3`);
  assert.equal(response.status, 200, `${base}: ${await response.clone().text()}`);
  return (await response.json()) as Served;
}

async function admin(path: string, body: unknown): Promise<Response> {
  return fetch(`${cluster.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Polls every replica directly until `check` holds for `user`'s answer; the ms it took each. */
async function untilEveryReplica(
  user: string,
  check: (s: Served) => boolean,
  timeoutMs: number,
): Promise<number[]> {
  const since = Date.now();
  return Promise.all(
    cluster.replicas.map(async (replica) => {
      while (Date.now() - since < timeoutMs) {
        if (check(await recommend(replica.url, user))) return Date.now() - since;
        await new Promise((r) => setTimeout(r, 25));
      }
      return Number.POSITIVE_INFINITY;
    }),
  );
}

test("sticky variants: every process gives each user the same variant and model version", {
  skip,
  timeout: 60_000,
}, async () => {
  const started = await admin(`/v1/admin/models/${candidate}/canary`, {
    percent: 40,
    reason: "cluster test",
  });
  assert.equal(started.status, 202, await started.text());
  // Wait until every replica serves the experiment: find a user on the canary at the first
  // one, then wait for the others to put that user on the canary too.
  const since = Date.now();
  let canaryUser: string | undefined;
  while (!canaryUser && Date.now() - since < 10_000) {
    for (const user of userIds) {
      if ((await recommend(cluster.replicas[0].url, user)).variant === "canary") {
        canaryUser = user;
        break;
      }
    }
  }
  assert.ok(canaryUser, "no user on the canary at the first process within 10 s");
  const reached = await untilEveryReplica(canaryUser, (s) => s.variant === "canary", 10_000);
  assert.ok(Number.isFinite(Math.max(...reached)), `the canary reached the processes after ${reached} ms`);
  let onCanary = 0;
  for (const user of userIds) {
    const answers = await Promise.all(cluster.replicas.map((r) => recommend(r.url, user)));
    for (const answer of answers.slice(1)) {
      assert.deepEqual(
        [answer.variant, answer.model_version],
        [answers[0].variant, answers[0].model_version],
        user,
      );
    }
    if (answers[0].variant === "canary") {
      onCanary++;
      assert.equal(answers[0].model_version, candidate);
    }
  }
  assert.ok(onCanary > 0 && onCanary < userIds.length, `${onCanary}/${userIds.length} users on a 40% canary`);
});

test("a promotion through the admin API reaches every process within 2 s", {
  skip,
  timeout: 60_000,
}, async () => {
  const promoted = await admin(`/v1/admin/models/${candidate}/promote`, { reason: "cluster test" });
  assert.equal(promoted.status, 202, await promoted.text());
  const reached = await untilEveryReplica(
    userIds[0],
    (s) => s.model_version === candidate && s.variant === "champion",
    5000,
  );
  assert.ok(
    Math.max(...reached) <= 2000,
    `the promotion reached the processes after ${reached.join(", ")} ms`,
  );
});

test("events posted through the proxy to all processes arrive in the Redis stream exactly once", {
  skip,
  timeout: 60_000,
}, async () => {
  const accepted = new Set<string>();
  const before = cluster.proxy.stats().backends.map((b) => b.attempts);
  for (let request = 0; request < 30; request++) {
    const batch = Array.from({ length: 10 }, (_, i) => ({
      type: "click",
      user_id: `cluster-events-${request}`,
      item_id: itemIds[(request + i) % itemIds.length],
    }));
    const response = await fetch(`${cluster.url}/v1/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(batch),
    });
    assert.equal(response.status, 202, await response.clone().text());
    for (const id of ((await response.json()) as { event_ids: string[] }).event_ids) accepted.add(id);
  }
  assert.equal(accepted.size, 300);
  // Round robin: every process took ten of the thirty requests.
  const after = cluster.proxy.stats().backends.map((b) => b.attempts);
  assert.deepEqual(
    after.map((n, i) => n - before[i]),
    [10, 10, 10],
  );
  // The queues flush asynchronously: read the whole stream until every accepted event is there.
  const sink = new RedisEventSink(cluster.redisUrl);
  try {
    await sink.ready(5000);
    let arrived = new Map<string, number>();
    const deadline = Date.now() + 15_000;
    do {
      arrived = new Map();
      let cursor = "";
      for (;;) {
        const page = await sink.read(cursor, 1000);
        if (page.events.length === 0) break;
        cursor = page.cursor;
        for (const e of page.events) {
          if (e.userId.startsWith("cluster-events-"))
            arrived.set(e.eventId, (arrived.get(e.eventId) ?? 0) + 1);
        }
      }
      if (arrived.size >= accepted.size) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    const missing = [...accepted].filter((id) => !arrived.has(id));
    const duplicated = [...arrived].filter(([, n]) => n > 1);
    const unexpected = [...arrived.keys()].filter((id) => !accepted.has(id));
    assert.deepEqual(
      { accepted: accepted.size, arrived: arrived.size, missing, duplicated, unexpected },
      { accepted: 300, arrived: 300, missing: [], duplicated: [], unexpected: [] },
    );
  } finally {
    await sink.close();
  }
});

test("a serving process killed mid-load: the others keep serving, the proxy counts its errors", {
  skip,
  timeout: 60_000,
}, async () => {
  const statuses = new Map<number, number>();
  let sent = 0;
  const worker = async (until: () => boolean) => {
    while (!until()) {
      const response = await fetch(`${cluster.url}/v1/recommendations?user_id=${userIds[sent % 60]}&k=3`);
      sent++;
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
  };
  // Four concurrent clients; the kill lands after 60 requests, the load stops 120 requests later.
  let killedAt = -1;
  const load = Promise.all(
    Array.from({ length: 4 }, () => worker(() => killedAt >= 0 && sent >= killedAt + 120)),
  );
  while (sent < 60) await new Promise((r) => setTimeout(r, 5));
  await cluster.killReplica(1);
  killedAt = sent;
  await load;
  assert.deepEqual([...statuses], [[200, sent]], "every request through the proxy answered 200");
  const stats = (await (await fetch(`${cluster.url}/proxy/stats`)).json()) as ReturnType<
    typeof cluster.proxy.stats
  >;
  const killed = stats.backends[1];
  // Pooled keep-alive connections to it reset; new ones are refused (and it leaves the rotation).
  assert.ok(
    killed.errors.refused >= 1,
    `the killed process's refusals are counted: ${JSON.stringify(killed)}`,
  );
  const errors = killed.errors.refused + killed.errors.reset;
  assert.equal(stats.failed, 0);
  assert.ok(stats.retries >= errors, `each failed attempt was retried: ${stats.retries} retries`);
  for (const i of [0, 2]) assert.deepEqual(stats.backends[i].errors, { refused: 0, reset: 0, timeout: 0 });
});

test("palate cluster: ready, then SIGINT drains and reaps every child and exits 0", {
  skip,
  timeout: 60_000,
}, async () => {
  const workDir = await mkdtemp(join(tmpdir(), "palate-cluster-cli-"));
  const running = startPalate(
    "cluster",
    ...[
      "--replicas",
      "2",
      "--model",
      (await trainedCityModel()).modelDir,
      "--port",
      "0",
      "--dir",
      workDir,
      "--quiet",
    ],
  );
  try {
    const ready = await running.waitFor(
      /cluster ready: proxy (\S+) → (.*)\n[^\n]*controller pid (\d+)[^\n]*pid (\d+)\)/,
    );
    const [, proxyUrl, replicas, controllerPid, redisPid] = ready;
    const pids = [
      ...[...replicas.matchAll(/pid (\d+)/g)].map((m) => Number(m[1])),
      Number(controllerPid),
      Number(redisPid),
    ];
    assert.equal(pids.length, 4);
    assert.equal((await fetch(`${proxyUrl}/readyz`)).status, 200);
    running.child.kill("SIGINT");
    assert.equal(await running.exited, 0, running.output());
    assert.match(running.output(), /cluster stopped/);
    for (const pid of pids)
      assert.throws(() => process.kill(pid, 0), { code: "ESRCH" }, `pid ${pid} outlived the cluster`);
  } finally {
    if (running.child.exitCode === null) running.child.kill("SIGKILL");
    await rm(workDir, { recursive: true, force: true });
  }
});
