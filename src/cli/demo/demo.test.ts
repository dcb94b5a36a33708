import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openEventSink } from "../../storage/events/open-event-sink.js";
import { palate, startPalate } from "../testing/run-palate.js";

// A small city keeps generation and the two trainings to seconds; the flow is the one npm start runs.
const SMALL = ["--users", "300", "--restaurants", "80"];
let dir = "";

before(async () => {
  dir = join(await mkdtemp(join(tmpdir(), "palate-demo-")), "demo");
  // The newcomer's case: no token, so the dashboard's read-only views are open (demo mode).
  delete process.env.PALATE_ADMIN_TOKEN;
});
after(async () => {
  if (dir) await rm(join(dir, ".."), { recursive: true, force: true });
});

interface VariantCounts {
  impressions: number;
}
interface DashboardStatus {
  serving: { champion: string; canary: string | null } | null;
  experiment: {
    experiment: { canary: string | null; percent: number } | null;
    metrics: { champion: VariantCounts; canary: VariantCounts } | null;
    decision: { action: string; reason: string } | null;
  } | null;
}

test("palate demo serves a live experiment with simulated traffic, the dashboard, and stops cleanly on SIGTERM", {
  timeout: 240_000,
}, async () => {
  const demo = startPalate("demo", "--dir", dir, "--port", "0", "--rate", "40", ...SMALL);
  try {
    const [, base] = await demo.waitFor(/Dashboard: (http:\/\/localhost:\d+)\/dashboard/);
    let status: DashboardStatus | null = null;
    // Bounded by the test's timeout: the traffic needs a few real seconds to put lists in both variants.
    for (;;) {
      const response = await fetch(`${base}/v1/dashboard/status`);
      assert.equal(response.status, 200, "the demo's dashboard data are open without a token");
      status = (await response.json()) as DashboardStatus;
      const metrics = status.experiment?.metrics;
      if (metrics && metrics.champion.impressions > 0 && metrics.canary.impressions > 0) break;
      assert.equal(demo.child.exitCode, null, `the demo exited early:\n${demo.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.equal(status.experiment?.experiment?.percent, 10);
    assert.ok(status.serving?.canary, "the server serves the canary beside the champion");
    assert.match(status.experiment?.decision?.action ?? "", /^(continue|promote|rollback)$/);

    const page = await fetch(`${base}/dashboard`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);

    // The status lines report both variants as the simulated users saw them.
    await demo.waitFor(/controller: /);
    assert.match(demo.output(), /champion \d+ lists, CTR/);
  } finally {
    demo.child.kill("SIGTERM");
  }
  assert.equal(await demo.exited, 0, demo.output());
  assert.match(demo.output(), /SIGTERM: stopping the traffic, the controller and the server/);
  // The simulated users' events reached the SQLite event log (drained on shutdown).
  const log = await openEventSink(`sqlite:${join(dir, "events.db")}`);
  try {
    const page = await log.read("", 1000);
    const types = new Set(page.events.map((e) => e.type));
    assert.ok(types.has("impression") && types.has("view"), `event types logged: ${[...types]}`);
  } finally {
    await log.close();
  }
});

test("re-running the demo reuses the city and models and starts a fresh registry", {
  timeout: 120_000,
}, async () => {
  const again = await palate("demo", "--dir", dir, "--no-serve", ...SMALL);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Reusing the city and models/);
  assert.doesNotMatch(again.stdout, /Generating the sample city/);
  const versions = await readdir(join(dir, "registry", "versions"));
  assert.equal(versions.length, 2, `a fresh registry holds the champion and the canary only: ${versions}`);
  assert.ok(!existsSync(join(dir, "events.db")), "the previous run's event log is reset");
  assert.ok(!existsSync(join(dir, "interactions.db")), "the previous run's interaction store is reset");
});

test("palate demo rejects contradictory flags and a directory it did not write", async () => {
  const noServe = await palate("demo", "--dir", dir, "--no-serve", "--rate", "5");
  assert.equal(noServe.code, 2);
  assert.match(noServe.stderr, /--no-serve: nothing is served, so --rate would do nothing/);

  const noTraffic = await palate("demo", "--dir", dir, "--no-traffic", "--rate", "5");
  assert.equal(noTraffic.code, 2);
  assert.match(noTraffic.stderr, /--no-traffic: .*--rate/);

  const badRate = await palate("demo", "--dir", dir, "--rate", "0");
  assert.notEqual(badRate.code, 0);
  assert.match(badRate.stderr, /--rate.*must be between 0\.1 and 1000/);

  const foreign = join(dir, "..", "not-a-demo");
  await rm(foreign, { recursive: true, force: true });
  await mkdir(foreign);
  await writeFile(join(foreign, "thesis.tex"), "mine");
  const refused = await palate("demo", "--dir", foreign, "--no-serve", ...SMALL);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /holds files the demo did not write \(thesis\.tex\)/);
});
