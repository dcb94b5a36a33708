import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type RunningPalate, startPalate } from "../../cli/testing/run-palate.js";
import { trainedCityModel } from "../testing/serving-fixture.js";
import { CORRUPTIONS } from "./artifact-corruption.js";

let dir: string;
let serve: RunningPalate | null = null;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-faults-sighup-"));
});
after(async () => {
  if (serve && serve.child.exitCode === null) {
    serve.child.kill("SIGTERM");
    await serve.exited;
  }
  await rm(dir, { recursive: true, force: true });
});

/** A copy of the fixture model named `version` (so the answers say which copy serves). */
async function versionCopy(version: string): Promise<string> {
  const target = join(dir, version);
  await cp((await trainedCityModel()).modelDir, target, { recursive: true });
  const manifest = JSON.parse(await readFile(join(target, "manifest.json"), "utf8"));
  manifest.version = version;
  await writeFile(join(target, "manifest.json"), JSON.stringify(manifest));
  return target;
}

/** Points the `current` symlink at `target` atomically, as a deploy script would. */
async function switchCurrent(target: string): Promise<void> {
  const next = join(dir, "current.next");
  await rm(next, { force: true });
  await symlink(target, next);
  await rename(next, join(dir, "current"));
}

/** The `n`th (0-based) output line matching `pattern`, once the process has printed it. */
async function nthLine(running: RunningPalate, pattern: RegExp, n: number): Promise<string> {
  for (;;) {
    const lines = running
      .output()
      .split("\n")
      .filter((l) => pattern.test(l));
    if (lines.length > n) return lines[n];
    if (running.child.exitCode !== null) throw new Error(`palate exited:\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("(palate serve --model, SIGHUP) a corrupt version behind the symlink is refused and logged; the running one answers throughout", async () => {
  await switchCurrent(await versionCopy("v1"));
  const config = join(dir, "serve.json");
  await writeFile(
    config,
    JSON.stringify({ eventLog: `sqlite:${join(dir, "events.db")}`, spillPath: join(dir, "spill.ndjson") }),
  );
  serve = startPalate(
    "serve",
    "--model",
    join(dir, "current"),
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "--config",
    config,
  );
  const [, base] = await serve.waitFor(/Serving v1 at (http:\/\/\S+)/);
  const statuses: number[] = [];
  const versions = new Set<string>();
  let stop = false;
  const client = (async () => {
    for (let n = 0; !stop; n++) {
      const response = await fetch(`${base}/v1/recommendations?user_id=load-${n % 7}&k=5`);
      statuses.push(response.status);
      if (response.ok) versions.add(((await response.json()) as { model_version: string }).model_version);
      else await response.body?.cancel();
    }
  })();

  const broken = [CORRUPTIONS[0], CORRUPTIONS.find((c) => c.name === "a partially copied directory")];
  for (const [i, corruption] of broken.entries()) {
    if (!corruption) throw new Error("corruption missing");
    const target = await versionCopy(`broken-${i}`);
    corruption.apply(target);
    await switchCurrent(target);
    serve.child.kill("SIGHUP");
    const line = await nthLine(serve, /^reload failed, still serving: /, i);
    assert.match(line, corruption.expect, corruption.name);
  }
  assert.deepEqual([...versions], ["v1"], "only the running version answered");

  await switchCurrent(await versionCopy("v2"));
  serve.child.kill("SIGHUP");
  await serve.waitFor(/reloaded: serving v2/);
  stop = true;
  await client;
  const response = await fetch(`${base}/v1/recommendations?user_id=someone&k=5`);
  assert.equal(((await response.json()) as { model_version: string }).model_version, "v2");
  assert.ok(statuses.length > 0);
  assert.deepEqual(
    statuses.filter((s) => s !== 200),
    [],
    "every request answered 200",
  );
});
