import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { palate } from "../../cli/testing/run-palate.js";
import { ModelRegistry } from "../../experiments/registry.js";
import type { RegistryError } from "../../experiments/registry-rules.js";
import { loadModel } from "../../models/model-kinds.js";
import { ServingModel } from "../../recommend/serving-model.js";
import { openStateStore } from "../../storage/state/open-state-store.js";
import type { StateStore } from "../../storage/state/state-store.js";
import { RegistryWatcher } from "../registry-watcher.js";
import { ServeConfigSchema } from "../serve-config.js";
import { createServing, type RunningServer, registryStateUrl } from "../server.js";
import { trainedCityModel } from "../testing/serving-fixture.js";
import { CORRUPTIONS } from "./artifact-corruption.js";
import { describeTally, startLoad } from "./load-loop.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-faults-registry-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A good copy of the fixture model under the version name `version`. */
async function versionCopy(version: string, where = join(dir, "trained")): Promise<string> {
  const target = join(where, version);
  await cp((await trainedCityModel()).modelDir, target, { recursive: true });
  const manifest = JSON.parse(await readFile(join(target, "manifest.json"), "utf8"));
  manifest.version = version;
  await writeFile(join(target, "manifest.json"), JSON.stringify(manifest));
  return target;
}

test("(models register) every corrupt or partial artifact is refused with a clear error and nothing is copied", async () => {
  const registryDir = join(dir, "refusing");
  const store = await openStateStore(registryStateUrl(registryDir));
  try {
    const registry = new ModelRegistry(store, { dir: registryDir });
    for (const [i, corruption] of CORRUPTIONS.entries()) {
      const source = await versionCopy(`bad-${i}`);
      corruption.apply(source);
      await assert.rejects(
        registry.register(source, { actor: "test", reason: corruption.name }),
        (error: RegistryError) => {
          assert.equal(error.kind, "invalid", `${corruption.name}: ${error.message}`);
          assert.match(error.message, corruption.expect, corruption.name);
          return true;
        },
      );
    }
    const versionsDir = join(registryDir, "versions");
    assert.deepEqual(existsSync(versionsDir) ? await readdir(versionsDir) : [], [], "nothing copied");
    assert.deepEqual(await store.listVersions(), []);
  } finally {
    await store.close();
  }
  // The command itself: a non-zero exit, the reason on stderr, still nothing copied.
  const source = await versionCopy("bad-cli");
  CORRUPTIONS[0].apply(source);
  const run = await palate("models", "register", "--registry", registryDir, "--model", source);
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, CORRUPTIONS[0].expect);
  assert.deepEqual(
    existsSync(join(registryDir, "versions")) ? await readdir(join(registryDir, "versions")) : [],
    [],
  );
});

test("(registry hot swap) a canary whose registry copy is corrupt is refused; the champion answers throughout with zero 5xx", async () => {
  const registryDir = join(dir, "serving");
  const store: StateStore = await openStateStore(registryStateUrl(registryDir));
  let server: RunningServer | null = null;
  let load: ReturnType<typeof startLoad> | null = null;
  try {
    const registry = new ModelRegistry(store, { dir: registryDir });
    const cause = { actor: "test", reason: "fault test" };
    await registry.register(await versionCopy("champion"), { ...cause, champion: true });
    server = await createServing(
      { registry: registryDir },
      ServeConfigSchema.parse({
        eventLog: `sqlite:${join(registryDir, "events.db")}`,
        spillPath: join(registryDir, "spill.ndjson"),
        itemSyncMs: 60_000,
      }),
    );
    const model = server.context.service?.model;
    if (!model) throw new Error("no model served");
    const users = Array.from({ length: 40 }, (_, u) => model.users.idAt(u % model.users.size));
    // A watcher of its own over the same registry, to read the error each failure reports.
    const errors: string[] = [];
    const watcher = new RegistryWatcher(
      store,
      async (record) => ServingModel.from(await loadModel(record.dir)),
      {
        retryFailedMs: Number.POSITIVE_INFINITY,
      },
    );
    watcher.onError = (error) => errors.push(error.message);
    load = startLoad(server.app, users);
    for (const [i, corruption] of CORRUPTIONS.entries()) {
      const version = `canary-${i}`;
      const record = await registry.register(await versionCopy(version), cause);
      // The shared volume breaks after registration (a bad disk, a half-finished sync).
      corruption.apply(record.dir);
      await registry.startCanary(version, 50, cause);
      await server.syncRegistry();
      errors.length = 0;
      await watcher.poll();
      await watcher.poll();
      assert.equal(errors.length, 1, `${corruption.name}: one failure, not retried on the next poll`);
      assert.match(errors[0], corruption.expect, corruption.name);
      await registry.rollback(version, cause);
    }
    await server.syncRegistry();
    const tally = await load.stop();
    assert.ok(tally.requests >= 40, describeTally(tally));
    assert.equal(tally.serverErrors, 0, describeTally(tally));
    assert.deepEqual([...tally.versions.keys()], ["champion"], describeTally(tally));
    const metrics = (await server.app.inject({ url: "/metrics" })).body;
    const failures = Number(/^palate_model_load_failures_total (\d+)/m.exec(metrics)?.[1]);
    assert.ok(failures >= 1, `load failures counted: ${failures}`);
    await watcher.close();

    // A good canary after all that is served to its share of users.
    await registry.register(await versionCopy("canary-good"), cause);
    await registry.startCanary("canary-good", 50, cause);
    await server.syncRegistry();
    const answered = new Set<string>();
    for (const user of users) {
      const response = await server.app.inject({ url: `/v1/recommendations?user_id=${user}&k=3` });
      answered.add(response.json().model_version);
    }
    assert.deepEqual([...answered].sort(), ["canary-good", "champion"]);
  } finally {
    await load?.stop();
    await server?.close();
    await store.close();
  }
});
