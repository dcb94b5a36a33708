import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { catalogFacts } from "../../experiments/catalog-facts.js";
import { Controller } from "../../experiments/controller.js";
import { DecisionRulesSchema } from "../../experiments/decision.js";
import { popularityOnlyModel } from "../../experiments/testing/canary-fixture.js";
import { testRegistry } from "../../experiments/testing/test-registry.js";
import { Random } from "../../math/random.js";
import { injectApi, visit } from "../../simulation/city-visit.js";
import { ServeConfigSchema } from "../serve-config.js";
import { startServer } from "../server.js";
import { trainedCityModel } from "../testing/serving-fixture.js";
import type { ExperimentPoint } from "./experiment-sampler.js";

const CHROMIUM = "/usr/bin/chromium";
const TOKEN = "browser-test-admin-token-0123456789";
const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), "../../../test-artifacts/dashboard");
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;

const cleanup: (() => Promise<void>)[] = [];
let browser: Browser;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  cleanup.push(() => browser.close());
});
after(async () => {
  for (const step of cleanup.reverse()) await step();
});

/** A page that records every console error and uncaught exception. */
async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  cleanup.push(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  return { page, errors };
}

async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).textContent()) ?? "";
}

async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  const path = join(ARTIFACTS, name);
  if (selector) await page.locator(selector).screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
}

/** A registry with a champion and a 50% canary, a listening server over it and a controller. */
async function liveExperiment() {
  const { modelDir, world, registryDir, time, clock, store, registry } = await testRegistry(
    "dashboard",
    cleanup,
  );
  const champion = await registry.register(await popularityOnlyModel(), {
    actor: "test",
    reason: "last week's model",
    champion: true,
  });
  const canary = await registry.register(modelDir, { actor: "test", reason: "this week's model" });
  await registry.startCanary(canary.version, 50, { actor: "test", reason: "try the new model" });
  const server = await startServer(
    { registry: registryDir },
    ServeConfigSchema.parse({
      port: 0,
      host: "127.0.0.1",
      adminToken: TOKEN,
      eventLog: `sqlite:${join(registryDir, "events.db")}`,
      spillPath: join(registryDir, "spill.ndjson"),
      itemSyncMs: 60_000,
    }),
    // The test samples the series itself, between batches of simulated traffic.
    { dashboard: { sampleMs: 3_600_000 } },
  );
  cleanup.push(() => server.close());
  server.context.clock = clock;
  const catalog = server.context.service?.model.catalog;
  assert.ok(catalog);
  const controller = new Controller({
    store,
    registry,
    sink: server.queue.sink,
    clock,
    owner: "dashboard-test",
    rules: DecisionRulesSchema.parse({}),
    catalog: catalogFacts(Array.from({ length: catalog.size }, (_, i) => catalog.metadata(i))),
  });
  const rng = new Random(21);
  // Six batches of 100 simulated visits, a simulated minute each: six points on every chart.
  for (let batch = 0; batch < 6; batch++) {
    for (let n = 0; n < 100; n++) {
      await visit(injectApi(server.app), world, rng, time.now / 1000);
      time.now += 60_000;
    }
    await server.queue.drain(5000);
    await controller.tick();
    await server.dashboard.sampleNow();
  }
  return { server, champion, canary, world };
}

test("the dashboard shows the registry, the live experiment and recommendations on a map", {
  skip,
}, async () => {
  const { server, champion, canary } = await liveExperiment();
  // The series the charts draw: one point per batch, each rate inside its interval.
  const status = (await (
    await fetch(`${server.url}/v1/dashboard/status`, { headers: { authorization: `Bearer ${TOKEN}` } })
  ).json()) as { experiment_series: ExperimentPoint[] };
  assert.equal(status.experiment_series.length, 6);
  for (const point of status.experiment_series)
    for (const arm of [point.champion, point.canary])
      assert.ok(arm.ctr.low <= arm.ctr.rate && arm.ctr.rate <= arm.ctr.high, JSON.stringify(arm));
  const { page, errors } = await openPage();
  await page.goto(`${server.url}/dashboard`);

  // The server has a token: the page asks for it once and keeps it for the session.
  await page.locator("#token-form").waitFor({ state: "visible" });
  await page.fill("#token-input", TOKEN);
  await page.click("#token-form button[type=submit]");

  const rows = page.locator("#registry tr[data-version]");
  await rows.nth(1).waitFor();
  assert.equal(await rows.count(), 2);
  assert.equal(
    await page.locator(`#registry tr[data-version="${champion.version}"]`).getAttribute("data-stage"),
    "champion",
  );
  assert.equal(
    await page.locator(`#registry tr[data-version="${canary.version}"]`).getAttribute("data-stage"),
    "canary",
  );
  // The page holds the token and the server has one: the canary can be promoted or rolled back.
  assert.equal(await page.locator(`#registry tr[data-version="${canary.version}"] button`).count(), 2);

  await page.locator("#experiment .variant-table").waitFor();
  const summary = await textOf(page, "#experiment .experiment-summary");
  assert.match(summary, new RegExp(canary.version));
  assert.match(summary, /50% of users/);
  const served = await page
    .locator("#experiment .variant-table tbody tr")
    .first()
    .locator("td")
    .allTextContents();
  assert.equal(served.length, 2);
  assert.ok(
    served.every((n) => Number(n.replaceAll(",", "")) > 0),
    `lists served by each variant: ${served}`,
  );
  assert.match(await textOf(page, "#experiment .decision"), /continue|promote|rollback/);
  // The CTR and booking-rate charts, drawn from the server's series on first load.
  await page.locator("#experiment .uplot").nth(1).waitFor();
  await page.locator("#serving .uplot").nth(1).waitFor();
  assert.match(await textOf(page, "#serving .headline"), /[\d.]+ msp99/);

  // Drift: the report's features, or the message when detection is off.
  await page.locator("#drift .drift-table, #drift .drift-unavailable").first().waitFor();
  const driftRows = await page.locator("#drift tr[data-feature]").count();
  const driftText = await textOf(page, "#drift");
  assert.ok(driftRows > 0 || /drift detection not enabled/.test(driftText), driftText);
  console.log(`drift panel: ${driftRows} features`);
  await screenshot(page, "dashboard.png");
  await screenshot(page, "experiment.png", "#experiment");

  // Try it: a user of the city, their list with reasons, and the items on the map.
  const user = server.context.service?.model.users.idAt(3);
  assert.ok(user);
  await page.fill("#try-user", user);
  await page.fill("#try-k", "8");
  await page.click("#try-it button[type=submit]");
  const results = page.locator("#try-it .results-table tbody tr");
  await results.nth(7).waitFor();
  assert.equal(await results.count(), 8);
  assert.ok((await page.locator("#try-it .results-table .reason").count()) >= 8, "every item has a reason");
  assert.match(await textOf(page, "#try-it .list-meta"), new RegExp(user));
  assert.equal(await page.locator("#try-it svg.map-plot .item-marker").count(), 8);
  assert.equal(await page.locator("#try-it svg.map-plot .home-marker").count(), 1);
  assert.ok((await page.locator("#try-it svg.map-plot .catalog-dot").count()) > 8);
  await screenshot(page, "try-it.png", "#try-it");

  // A write with the token: pausing the canary, confirmed in the page's dialog.
  page.once("dialog", (dialog) => void dialog.accept());
  await page.click("#experiment .experiment-summary button");
  await page.locator("#experiment .experiment-summary .badge.paused").waitFor();
  assert.equal((await server.dashboard.experiment?.sample())?.paused, true);

  // Rolling the canary back through the admin API: the registry shows it, and the experiment
  // panel keeps the finished experiment's charts.
  page.once("dialog", (dialog) => void dialog.accept());
  await page.click(`#registry tr[data-version="${canary.version}"] button.danger`);
  await page.locator(`#registry tr[data-version="${canary.version}"][data-stage="rolled-back"]`).waitFor();
  await page.locator("#experiment .experiment-summary", { hasText: "The last experiment" }).waitFor();
  assert.equal(await page.locator("#experiment .uplot").count(), 2);
  await screenshot(page, "after-rollback.png", "#experiment");

  assert.deepEqual(errors, [], "no console errors");
});

test("without a token the page still loads: serving charts and try it, the registry views explained", {
  skip,
}, async () => {
  const { modelDir } = await trainedCityModel();
  const dir = await mkdtemp(join(tmpdir(), "palate-dashboard-plain-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const server = await startServer(
    { model: modelDir },
    ServeConfigSchema.parse({
      port: 0,
      host: "127.0.0.1",
      eventLog: `sqlite:${join(dir, "events.db")}`,
      spillPath: join(dir, "spill.ndjson"),
      itemSyncMs: 60_000,
    }),
    { dashboard: { sampleMs: 3_600_000 } },
  );
  cleanup.push(() => server.close());
  const model = server.context.service?.model;
  assert.ok(model);
  for (let u = 0; u < 5; u++) {
    const r = await fetch(`${server.url}/v1/recommendations?user_id=${model.users.idAt(u)}`);
    assert.equal(r.status, 200);
  }
  await server.dashboard.sampleNow();
  const { page, errors } = await openPage();
  await page.goto(`${server.url}/dashboard`);
  await page.locator("#serving .uplot").first().waitFor();
  assert.match(await textOf(page, "#registry"), /no PALATE_ADMIN_TOKEN/);
  assert.equal(await page.locator("#token-form").isVisible(), false, "no token to ask for");
  await page.click("#try-it button[type=submit]");
  await page.locator("#try-it .results-table tbody tr").first().waitFor();
  assert.ok((await page.locator("#try-it svg.map-plot .item-marker").count()) > 0);
  await screenshot(page, "read-only.png");
  assert.deepEqual(errors, [], "no console errors");
});
