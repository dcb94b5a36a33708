import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { SERVE_NODE_FLAGS } from "../server/node-flags.js";
import { trainedCityModel } from "../server/testing/serving-fixture.js";
import { BuildSimulation, contextFilesAt, snapshot } from "./testing/build-simulation.js";
import { copyInstructions, dockerStages, execForm, parseDockerfile } from "./testing/dockerfile.js";
import { contextFiles, parseDockerignore } from "./testing/dockerignore.js";
import { importedPackages } from "./testing/package-imports.js";
import { REPO_ROOT } from "./testing/repo-paths.js";

const stages = dockerStages(parseDockerfile(readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8")));
const copies = copyInstructions(stages);
const context = new Set(
  contextFiles(REPO_ROOT, parseDockerignore(readFileSync(join(REPO_ROOT, ".dockerignore"), "utf8"))),
);
const runtime = stages.at(-1);
if (!runtime) throw new Error("Dockerfile: no FROM");
const settings = BuildSimulation.runtimeSettings(runtime);

/** Maps the image's absolute paths onto the replayed runtime stage. */
function hostPath(simulation: BuildSimulation, imagePath: string): string {
  return imagePath.startsWith("/") ? simulation.pathIn(runtime?.name ?? "", imagePath) : imagePath;
}

describe("the Docker build context", () => {
  test("holds every COPY source of the build context, and none of what must stay out", () => {
    for (const copy of copies.filter((c) => c.from === null)) {
      for (const source of copy.sources) {
        assert.ok(
          contextFilesAt(context, source).length > 0,
          `Dockerfile:${copy.line}: COPY ${source} is not in the build context`,
        );
      }
    }
    assert.ok(context.has("src/cli/main.ts"));
    assert.ok(context.has("package-lock.json"));
    const leaked = [...context].filter((f) =>
      /^(node_modules|dist|\.git|\.palate|bench|deploy)\/|\.test\.ts$|\/testing\//.test(f),
    );
    assert.deepEqual(leaked, [], "the context carries files the image must not");
  });

  test("stages: production dependencies only at run time, a non-root user, a healthcheck, exec-form entry point", () => {
    const runs = (stageName: string) =>
      stages
        .find((s) => s.name === stageName)
        ?.instructions.filter((i) => i.keyword === "RUN")
        .map((i) => i.args) ?? [];
    const modules = copies.find(
      (c) => c.stage === runtime.name && c.sources.some((s) => s.endsWith("node_modules")),
    );
    assert.ok(modules?.from, "the runtime copies node_modules from a dependency stage");
    assert.ok(
      runs(modules.from).some((r) => /npm ci --omit=dev/.test(r)),
      "that stage installs with --omit=dev",
    );
    assert.deepEqual(
      runs(runtime.name).filter((r) => /\bnpm\b|\btsc\b|\btsx\b/.test(r)),
      [],
      "no npm/tsc/tsx at run time",
    );
    assert.match(settings.user ?? "", /^[1-9]\d*(:[1-9]\d*)?$/, "USER is a numeric non-root uid");
    assert.match(settings.healthcheck ?? "", /\bCMD\b/);
    assert.deepEqual(
      execForm(settings.entrypoint ?? "")?.slice(0, -1),
      ["node", ...SERVE_NODE_FLAGS],
      "the server runs with the V8 flags of src/server/node-flags.ts",
    );
    assert.equal(execForm(settings.cmd ?? "")?.[0], "serve");
  });

  test("`npm start` serves with the V8 flags of src/server/node-flags.ts, as the image does", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    assert.equal(pkg.scripts.start, `node ${SERVE_NODE_FLAGS.join(" ")} dist/cli/main.js demo`);
  });

  test("every production package with an install script is rebuilt after `npm ci --ignore-scripts`", () => {
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { dev?: boolean; hasInstallScript?: boolean }>;
    };
    const needsBuild = Object.entries(lock.packages)
      .filter(([path, p]) => path.startsWith("node_modules/") && p.hasInstallScript && !p.dev)
      .map(([path]) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length));
    assert.ok(needsBuild.includes("better-sqlite3"), "the lockfile marks install scripts");
    const rebuild = stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === "RUN")
      .flatMap((i) => /npm rebuild ([^&;]+)/.exec(i.args)?.[1]?.trim().split(/\s+/) ?? []);
    assert.deepEqual(
      needsBuild.filter((name) => !rebuild.includes(name)),
      [],
      "add them to `npm rebuild`",
    );
  });
});

describe("the image's build output", { timeout: 300_000 }, () => {
  let scratch = "";
  let simulation: BuildSimulation;
  let modelDir = "";
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), "palate-docker-"));
    simulation = new BuildSimulation(REPO_ROOT, context, scratch);
    for (const stage of stages) simulation.replay(stage, copies);
    modelDir = (await trainedCityModel()).modelDir;
  });
  after(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  test("imports only production dependencies", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));
    const production = new Set(Object.keys(pkg.dependencies ?? {}));
    const outside = [...importedPackages(hostPath(simulation, "/app/dist"))].filter(
      ([name]) => !production.has(name),
    );
    assert.deepEqual(outside, []);
  });

  test("starts from the entry point, answers /healthz and /readyz, writes only to its working directory, exits 0 on SIGTERM", async () => {
    const [node, ...rest] = execForm(settings.entrypoint ?? "") ?? [];
    assert.equal(node, "node");
    const nodeFlags = rest.slice(0, -1);
    const main = rest[rest.length - 1];
    const entry = hostPath(simulation, main);
    assert.ok(existsSync(entry), `the entry point ${main} exists in the runtime stage`);
    const workdir = hostPath(simulation, settings.workdir);
    assert.ok(statSync(workdir).isDirectory());
    const appBefore = snapshot(hostPath(simulation, "/app"));
    // Without tsx: the compiled JavaScript must run on plain node. The image sets
    // NODE_ENV=production, in which serve refuses to start without an admin token.
    const token = "test-token-0123456789abcdef";
    const env = { ...process.env, NODE_OPTIONS: "", NODE_ENV: "production", PALATE_ADMIN_TOKEN: token };
    const server = spawn(
      process.execPath,
      [...nodeFlags, entry, "serve", "--model", modelDir, "--host", "127.0.0.1", "--port", "0"],
      {
        cwd: workdir,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const output = collect(server);
    try {
      const url = await servingUrl(server, output);
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      const ready = await fetch(`${url}/readyz`);
      assert.equal(ready.status, 200);
      assert.equal(((await ready.json()) as { status: string }).status, "ready");
      assert.equal((await fetch(`${url}/v2/health/ready`)).status, 200);
      // A served list is logged as an impression: something for the event log to write on drain.
      assert.equal((await fetch(`${url}/v1/recommendations?user_id=someone-new&k=3`)).status, 200);

      const [probeNode, probeScript] =
        execForm((settings.healthcheck ?? "").replace(/^.*?\bCMD\s+/, "")) ?? [];
      assert.equal(probeNode, "node");
      const probe = spawnSync(process.execPath, [hostPath(simulation, probeScript)], {
        env: { ...env, PALATE_HEALTHCHECK_URL: `${url}/healthz` },
        encoding: "utf8",
      });
      assert.equal(probe.status, 0, probe.stderr);

      server.kill("SIGTERM");
      const code = await exited(server);
      assert.equal(code, 0, output.text());
      assert.match(output.text(), /SIGTERM: draining/);
      assert.ok(!output.text().includes(token), "the admin token is not logged");
      const failedProbe = spawnSync(process.execPath, [hostPath(simulation, probeScript)], {
        env: { ...env, PALATE_HEALTHCHECK_URL: `${url}/healthz` },
        encoding: "utf8",
      });
      assert.equal(failedProbe.status, 1, "the healthcheck fails once the server is gone");
    } finally {
      if (server.exitCode === null) server.kill("SIGKILL");
    }
    assert.ok(existsSync(join(workdir, "palate-events.db")), "the event log is in the working directory");
    assert.deepEqual(
      [...snapshot(hostPath(simulation, "/app"))],
      [...appBefore],
      "nothing written under /app",
    );
  });
});

function collect(child: ChildProcess) {
  let text = "";
  child.stdout?.on("data", (chunk) => {
    text += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    text += chunk;
  });
  return { text: () => text };
}

/** Resolves with the URL the server prints once it listens; rejects if it exits first. */
function servingUrl(child: ChildProcess, output: { text(): string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = /Serving \S+ at (http:\/\/\S+)/.exec(output.text());
      if (match) {
        child.stdout?.off("data", check);
        resolve(match[1].replace("localhost", "127.0.0.1"));
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) =>
      reject(new Error(`the server exited (${code}) before listening:\n${output.text()}`)),
    );
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}
