import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { palate } from "./testing/run-palate.js";
import { readTrainConfig, trainOptionsFrom } from "./train-config.js";

const EXAMPLE = new URL("../../examples/train-config.json", import.meta.url).pathname;

let dir = "";
let interactions = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-train-config-"));
  interactions = join(dir, "interactions.csv");
  // 12 users × 8 items, each user meeting the items of their parity.
  const rows = ["user_id,item_id,timestamp"];
  for (let u = 0; u < 12; u++) for (let i = u % 2; i < 8; i += 2) rows.push(`u${u},i${i},${1000 + u}`);
  await writeFile(interactions, `${rows.join("\n")}\n`);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function config(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

test("the example config parses and sets the options it names", () => {
  const parsed = readTrainConfig(EXAMPLE);
  assert.equal(parsed.als?.factors, 64);
  assert.deepEqual(parsed.popularity?.context, { cellKm: 2, strength: "auto" });
});

test("flags win over the config file; fields the flags leave alone stay", () => {
  const options = trainOptionsFrom(
    { als: { factors: 5, alpha: 2 }, popularity: { context: { cellKm: 3 } } },
    { alsFactors: 9, contextStrength: 50 },
  );
  assert.deepEqual(options.als, { factors: 9, alpha: 2 });
  assert.deepEqual(options.popularity, { context: { cellKm: 3, strength: 50 } });
});

test("a config changes the trained model's options; a flag overrides it", async () => {
  const path = await config("als.json", JSON.stringify({ als: { factors: 5, iterations: 2, threads: 0 } }));
  const out = join(dir, "from-config");
  const run = await palate(
    "train",
    "--interactions",
    interactions,
    "--model",
    "als",
    "--config",
    path,
    "--out",
    out,
  );
  assert.equal(run.code, 0, run.stderr);
  const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8"));
  assert.equal(manifest.parameters.factors, 5);
  assert.equal(manifest.parameters.iterations, 2);

  const flagged = join(dir, "from-flag");
  const again = await palate(
    "train",
    "--interactions",
    interactions,
    "--model",
    "als",
    "--config",
    path,
    "--als-factors",
    "7",
    "--out",
    flagged,
  );
  assert.equal(again.code, 0, again.stderr);
  const second = JSON.parse(await readFile(join(flagged, "manifest.json"), "utf8"));
  assert.equal(second.parameters.factors, 7);
  assert.equal(second.parameters.iterations, 2);

  // The popularity part's per-context prior: the file's strength is stored with the model.
  const popularity = await config(
    "popularity.json",
    JSON.stringify({ popularity: { context: { strength: 7 } } }),
  );
  const priorOut = join(dir, "popularity");
  const third = await palate(
    "train",
    "--interactions",
    interactions,
    "--model",
    "popularity",
    "--config",
    popularity,
    "--out",
    priorOut,
  );
  assert.equal(third.code, 0, third.stderr);
  const prior = JSON.parse(await readFile(join(priorOut, "manifest.json"), "utf8"));
  assert.equal(prior.parameters.context.strength, 7);
});

test("invalid configs fail naming the file and the line or field", async () => {
  const cases: [string, string, RegExp][] = [
    ["syntax.json", '{\n  "als": {\n    "factors": 5,\n  }\n}\n', /syntax\.json:4: not valid JSON/],
    ["unknown.json", '{ "als": { "factorz": 5 } }', /unknown\.json: field 'als\.factorz': unknown field/],
    ["unknown-top.json", '{ "alss": {} }', /unknown-top\.json: field 'alss': unknown field/],
    ["type.json", '{ "cleora": { "dimensions": "64" } }', /type\.json: field 'cleora\.dimensions': .*number/],
    ["range.json", '{ "als": { "factors": 0 } }', /range\.json: field 'als\.factors': .*>=\s*1/],
    ["fraction.json", '{ "validation": { "ratio": 1.5 } }', /fraction\.json: field 'validation\.ratio'/],
    ["part.json", '{ "parts": ["als", "svd"] }', /part\.json: field 'parts\.1'/],
    [
      "nested.json",
      '{ "content": { "blockWeights": { "colour": 1 } } }',
      /field 'content\.blockWeights\.colour'/,
    ],
  ];
  for (const [name, text, expected] of cases) {
    const path = await config(name, text);
    assert.throws(() => readTrainConfig(path), expected, name);
  }
  // Through the command: exit code 2 and the message, before any data is loaded.
  const path = join(dir, "unknown.json");
  const run = await palate(
    "train",
    "--interactions",
    "/nonexistent.csv",
    "--config",
    path,
    "--out",
    join(dir, "x"),
  );
  assert.equal(run.code, 2);
  assert.match(run.stderr, /unknown\.json: field 'als\.factorz': unknown field/);
  const missing = await palate(
    "train",
    "--interactions",
    interactions,
    "--config",
    join(dir, "nope.json"),
    "--out",
    join(dir, "y"),
  );
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.json: cannot read the config file/);
});

test("train --help documents the config file", async () => {
  const help = await palate("train", "--help");
  assert.match(help.stdout, /--config <file>/);
  assert.match(help.stdout, /Flags win over the file/);
  assert.match(help.stdout, /popularity\s+\{ context/);
});
