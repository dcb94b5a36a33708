import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { palate } from "./testing/run-palate.js";

/** Runs a command that must succeed and returns its standard output. */
async function ok(...args: string[]): Promise<string> {
  const result = await palate(...args);
  assert.equal(result.code, 0, `palate ${args.join(" ")}\n${result.stderr}`);
  return result.stdout;
}

interface Listed {
  versions: {
    version: string;
    stage: string;
    history: { from: string | null; to: string; reason: string }[];
  }[];
  experiment: { champion: string; canary: string | null; percent: number } | null;
}

let dir = "";
let registry = "";
/** Two popularity models trained on one small city: distinct versions, seconds to train. */
let models: string[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-models-cli-"));
  registry = join(dir, "registry");
  const city = join(dir, "city");
  await ok(
    "data",
    "generate",
    "--users",
    "200",
    "--restaurants",
    "30",
    "--days",
    "5",
    "--out",
    city,
    "--quiet",
  );
  models = [join(dir, "model-a"), join(dir, "model-b")];
  await Promise.all(
    models.map((out) =>
      ok("train", "--dataset", "city", "--path", city, "--model", "popularity", "--out", out),
    ),
  );
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const list = async (): Promise<Listed> =>
  JSON.parse(await ok("models", "list", "--registry", registry, "--json"));
const stages = (listed: Listed) => Object.fromEntries(listed.versions.map((v) => [v.version, v.stage]));

test("palate models: register, canary → promote, canary → rollback, as list --json shows", async () => {
  const missing = await palate("models", "list", "--registry", registry);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no registry here/);

  const [a, b] = [
    (await ok("models", "register", "--registry", registry, "--model", models[0], "--champion")).trim(),
    (await ok("models", "register", "--registry", registry, "--model", models[1])).trim(),
  ].map((line) => {
    const match = /^registered (\S+) as (champion|candidate)$/.exec(line);
    assert.ok(match, line);
    return match[1];
  });
  assert.deepEqual(stages(await list()), { [a]: "champion", [b]: "candidate" });
  const again = await palate("models", "register", "--registry", registry, "--model", models[1]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, new RegExp(`version ${b} is already registered`));

  assert.match(
    await ok("models", "canary", "--registry", registry, "--version", b, "--percent", "25"),
    /on 25%/,
  );
  let listed = await list();
  assert.deepEqual(stages(listed), { [a]: "champion", [b]: "canary" });
  const running = listed.experiment;
  assert.deepEqual(running && [running.champion, running.canary, running.percent], [a, b, 25]);
  assert.match(
    await ok("models", "list", "--registry", registry),
    new RegExp(`canary ${b} on 25% against ${a}`),
  );

  await ok("models", "promote", "--registry", registry, "--version", b, "--reason", "better bookings");
  listed = await list();
  assert.deepEqual(stages(listed), { [a]: "retired", [b]: "champion" });
  assert.equal(listed.experiment?.champion, b);
  assert.equal(listed.experiment?.canary, null);
  const promoted = listed.versions.find((v) => v.version === b);
  assert.deepEqual(
    promoted?.history.map((t) => [t.from, t.to, t.reason]),
    [
      [null, "candidate", "registered by hand"],
      ["candidate", "canary", "started by hand"],
      ["canary", "champion", "better bookings"],
    ],
  );

  // The retired champion comes back as a canary (default 10%) and is rolled back.
  assert.match(await ok("models", "canary", "--registry", registry, "--version", a), /on 10%/);
  await ok("models", "rollback", "--registry", registry, "--version", a, "--reason", "worse CTR");
  listed = await list();
  assert.deepEqual(stages(listed), { [a]: "rolled-back", [b]: "champion" });
  assert.deepEqual(listed.experiment && [listed.experiment.champion, listed.experiment.canary], [b, null]);
  assert.equal(listed.versions.find((v) => v.version === a)?.history.at(-1)?.reason, "worse CTR");

  const illegal = await palate("models", "promote", "--registry", registry, "--version", a);
  assert.equal(illegal.code, 2);
  assert.match(illegal.stderr, new RegExp(`cannot promote version ${a}: it is rolled-back`));
});

test("palate models validates its flags with clear errors", async () => {
  const percent = await palate(
    "models",
    "canary",
    "--registry",
    registry,
    "--version",
    "x",
    "--percent",
    "0",
  );
  assert.notEqual(percent.code, 0);
  assert.match(percent.stderr, /must be a percentage in \(0, 100\]/);
  const noVersion = await palate("models", "promote", "--registry", registry);
  assert.notEqual(noVersion.code, 0);
  assert.match(noVersion.stderr, /--version/);
  const state = await palate("models", "list", "--registry", registry, "--state", "mysql://x");
  assert.equal(state.code, 2);
  assert.match(state.stderr, /unsupported scheme 'mysql:'/);
  const model = await palate("models", "register", "--registry", registry, "--model", join(dir, "nope"));
  assert.equal(model.code, 2);
  assert.match(model.stderr, /cannot register .*nope.*manifest/);
});
