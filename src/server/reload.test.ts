import assert from "node:assert/strict";
import { cp, mkdir, readFile, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { servingFixture, trainedCityModel } from "./testing/serving-fixture.js";

let fx: Awaited<ReturnType<typeof servingFixture>>;
before(async () => {
  fx = await servingFixture();
});
after(async () => {
  await fx?.close();
});

async function copyModel(name: string): Promise<string> {
  const { modelDir } = await trainedCityModel();
  const dir = join(fx.dir, name);
  await mkdir(dir, { recursive: true });
  await cp(modelDir, dir, { recursive: true });
  return dir;
}

test("a corrupt or partial model version is rejected and the current one keeps serving", async () => {
  const version = fx.model.version;
  const truncated = await copyModel("truncated");
  const manifest = JSON.parse(await readFile(join(truncated, "manifest.json"), "utf8"));
  const someMatrix = Object.values(manifest.matrices as Record<string, { file: string }>)[0].file;
  await truncate(join(truncated, someMatrix), 3);
  const noManifest = await copyModel("no-manifest");
  await writeFile(join(noManifest, "manifest.json"), "{");
  for (const dir of [truncated, noManifest, join(fx.dir, "missing")]) {
    const result = await fx.reload(dir);
    assert.equal(result.ok, false, dir);
    const response = await fx.app.inject({ url: `/v1/recommendations?user_id=${fx.model.users.idAt(0)}` });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().model_version, version);
  }
  assert.match((await fx.app.inject({ url: "/metrics" })).body, /palate_model_load_failures_total 3/);
});

test("a good version is swapped in, and items added through the API survive the swap", async () => {
  await fx.app.inject({
    method: "PUT",
    url: "/v1/items/added-before-swap",
    payload: { categories: ["thai"], lat: 10, lon: 10 },
  });
  const good = await copyModel("good");
  const result = await fx.reload(good);
  assert.ok(result.ok, JSON.stringify(result));
  const similar = await fx.app.inject({ url: "/v1/items/added-before-swap/similar?k=3" });
  assert.equal(similar.statusCode, 200, similar.body);
  assert.equal((await fx.app.inject({ url: "/readyz" })).statusCode, 200);
});
