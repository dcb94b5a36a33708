import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort } from "../core/ports.js";
import { ServeConfigSchema } from "../server/serve-config.js";
import { type RunningServer, startServer } from "../server/server.js";
import { trainedCityModel } from "../server/testing/serving-fixture.js";

const PROMETHEUS = "/usr/bin/prometheus";
const PROMTOOL = "/usr/bin/promtool";
const RULES_DIR = fileURLToPath(new URL("../../deploy/prometheus/", import.meta.url));
const RULES = join(RULES_DIR, "palate-rules.yml");
/** A bound on waiting for Prometheus to scrape and answer, not a performance assertion. */
const WAIT_MS = 30_000;

const noPromtool = existsSync(PROMTOOL) ? false : `no ${PROMTOOL} (Debian package prometheus)`;
const noPrometheus = existsSync(PROMETHEUS) ? false : `no ${PROMETHEUS} (Debian package prometheus)`;

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const promtool = (args: string[], cwd = RULES_DIR) => {
  const run = spawnSync(PROMTOOL, args, { cwd, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
};

test("promtool check rules accepts the rules file, and refuses a broken one", {
  skip: noPromtool,
}, async () => {
  const ok = promtool(["check", "rules", RULES]);
  assert.equal(ok.status, 0, ok.output);
  assert.match(ok.output, /SUCCESS: 9 rules found/);
  // The check can fail: an expression that does not parse is refused with its rule named.
  const dir = await mkdtemp(join(tmpdir(), "palate-rules-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const broken = join(dir, "broken.yml");
  await writeFile(
    broken,
    "groups:\n  - name: g\n    rules:\n      - alert: Broken\n        expr: rate(x[5m]\n",
  );
  const refused = promtool(["check", "rules", broken]);
  assert.notEqual(refused.status, 0);
  assert.match(refused.output, /Broken|parse error/);
});

test("promtool test rules: every alert fires on its synthetic series and stays quiet otherwise", {
  skip: noPromtool,
}, () => {
  const run = promtool(["test", "rules", "palate-rules.test.yml"]);
  assert.equal(run.status, 0, run.output);
  assert.match(run.output, /SUCCESS/);
});

test("a real Prometheus scrapes a running Palate and answers a Palate metric through its HTTP API", {
  skip: noPrometheus,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), "palate-prometheus-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const { modelDir } = await trainedCityModel();
  const server: RunningServer & { url: string } = await startServer(
    modelDir,
    ServeConfigSchema.parse({
      port: 0,
      host: "127.0.0.1",
      eventLog: `sqlite:${join(dir, "events.db")}`,
      spillPath: join(dir, "spill.ndjson"),
      itemSyncMs: 60_000,
    }),
  );
  cleanups.push(() => server.close());
  const target = new URL(server.url).host;
  const version = server.context.service?.model.version;
  const requests = 5;
  for (let i = 0; i < requests; i++) {
    const response = await fetch(`${server.url}/v1/recommendations?user_id=scrape-${i}&k=3`);
    assert.equal(response.status, 200);
  }

  const port = await freePort();
  await writeFile(
    join(dir, "prometheus.yml"),
    [
      "global:",
      "  scrape_interval: 1s",
      "  evaluation_interval: 1s",
      "rule_files:",
      `  - ${RULES}`,
      "scrape_configs:",
      "  - job_name: palate",
      "    static_configs:",
      `      - targets: ["${target}"]`,
      "",
    ].join("\n"),
  );
  const prometheus = await startPrometheus(dir, port);
  cleanups.push(() => stop(prometheus.process));
  const api = `http://127.0.0.1:${port}/api/v1`;

  const query = `sum(palate_recommendations_total{job="palate"})`;
  const answer = await waitFor(async () => {
    const body = await getJson(`${api}/query?query=${encodeURIComponent(query)}`);
    const value = Number(body?.data?.result?.[0]?.value?.[1]);
    return value === requests ? value : null;
  });
  if (answer === null) {
    const targets = await getJson(`${api}/targets`).catch((e: Error) => e.message);
    const last = await getJson(`${api}/query?query=${encodeURIComponent(query)}`).catch(
      (e: Error) => e.message,
    );
    assert.fail(
      `Prometheus did not return ${query} = ${requests} within ${WAIT_MS / 1000} s.\n` +
        `last answer: ${JSON.stringify(last)}\ntargets: ${JSON.stringify(targets)}\nprometheus log: ${prometheus.log()}`,
    );
  }

  const info = await getJson(`${api}/query?query=${encodeURIComponent("palate_model_info")}`);
  assert.deepEqual(
    info.data.result.map((r: { metric: Record<string, string> }) => [
      r.metric.version,
      r.metric.variant,
      r.metric.kind,
    ]),
    [[version, "champion", "hybrid"]],
  );
  const up = await getJson(`${api}/query?query=${encodeURIComponent('up{job="palate"}')}`);
  assert.equal(up.data.result[0]?.value?.[1], "1");
  // The rules file loads in a real Prometheus too, every rule healthy.
  const rules = await getJson(`${api}/rules`);
  const loaded = rules.data.groups.flatMap((g: { rules: { name: string; health: string }[] }) => g.rules);
  assert.equal(loaded.length, 9);
  const unhealthy = loaded.filter((r: { health: string }) => r.health === "err");
  assert.deepEqual(unhealthy, []);
});

/** The part of Prometheus's API answers the test reads (`data` varies by endpoint). */
interface ApiAnswer {
  status: string;
  // biome-ignore lint/suspicious/noExplicitAny: the shape depends on the endpoint; the assertions check it.
  data: any;
}

async function getJson(url: string): Promise<ApiAnswer> {
  const response = await fetch(url);
  return (await response.json()) as ApiAnswer;
}

/** Polls until `check` returns a value, or null after WAIT_MS. */
async function waitFor<T>(check: () => Promise<T | null>): Promise<T | null> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const value = await check().catch(() => null);
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return null;
}

/** Starts Prometheus on `port` with `dir/prometheus.yml` and a TSDB in `dir`, ready when /-/ready answers. */
async function startPrometheus(dir: string, port: number) {
  let output = "";
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const ready = await waitFor(async () => {
    if (child.exitCode !== null) throw new Error("exited");
    const response = await fetch(`http://127.0.0.1:${port}/-/ready`);
    return response.ok ? true : null;
  });
  if (!ready) {
    await stop(child);
    throw new Error(`Prometheus did not become ready on port ${port} (exit ${await exited}):\n${output}`);
  }
  return { process: child, log: () => output };
}

/** SIGTERM, then SIGKILL if Prometheus has not exited within 10 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
