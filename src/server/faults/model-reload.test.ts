import assert from "node:assert/strict";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { servingFixture, trainedCityModel } from "../testing/serving-fixture.js";
import { CORRUPTIONS } from "./artifact-corruption.js";
import { describeTally, startLoad } from "./load-loop.js";

let fx: Awaited<ReturnType<typeof servingFixture>>;
before(async () => {
  fx = await servingFixture();
});
after(async () => {
  await fx?.close();
});

/**
 * A copy of the served model under a new version name, so that if a broken copy were swapped in
 * the answers would say so.
 */
async function renamedCopy(name: string): Promise<string> {
  const { modelDir } = await trainedCityModel();
  const dir = join(fx.dir, name);
  await cp(modelDir, dir, { recursive: true });
  const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8"));
  manifest.version = name;
  await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}

const failures = async () =>
  Number(
    /^palate_model_load_failures_total (\d+)/m.exec((await fx.app.inject({ url: "/metrics" })).body)?.[1],
  );

test("(SIGHUP reload) every corrupt or partial version is refused with a clear error; the current one answers throughout with zero 5xx", async () => {
  const served = fx.model.version;
  const users = Array.from({ length: 50 }, (_, u) => fx.model.users.idAt(u % fx.model.users.size));
  const failuresBefore = await failures();
  const load = startLoad(fx.app, users);
  for (const [i, corruption] of CORRUPTIONS.entries()) {
    const dir = await renamedCopy(`corrupt-${i}`);
    corruption.apply(dir);
    // What the SIGHUP handler of `palate serve --model` calls.
    const result = await fx.reload(dir);
    assert.equal(result.ok, false, `${corruption.name}: was loaded`);
    if (!result.ok) assert.match(result.error, corruption.expect, corruption.name);
  }
  const tally = await load.stop();
  assert.ok(tally.requests >= 50, describeTally(tally));
  assert.equal(tally.serverErrors, 0, describeTally(tally));
  assert.deepEqual([...tally.versions.keys()], [served], describeTally(tally));
  assert.equal(tally.statuses.get(200), tally.requests, describeTally(tally));
  assert.equal((await failures()) - failuresBefore, CORRUPTIONS.length);
});

test("(SIGHUP reload) a good version after the failures is swapped in", async () => {
  const good = await renamedCopy("good-after-failures");
  const result = await fx.reload(good);
  assert.deepEqual(result, { ok: true, version: "good-after-failures" });
  const response = await fx.app.inject({ url: `/v1/recommendations?user_id=${fx.model.users.idAt(0)}` });
  assert.equal(response.json().model_version, "good-after-failures");
});
