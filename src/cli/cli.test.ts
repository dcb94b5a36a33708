import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { palate } from "./testing/run-palate.js";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-cli-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("generate, train, recommend and evaluate run end to end on a small city", async () => {
  const city = join(dir, "city");
  const gen = await palate(
    "data",
    "generate",
    "--users",
    "300",
    "--restaurants",
    "40",
    "--days",
    "7",
    "--out",
    city,
    "--quiet",
  );
  assert.equal(gen.code, 0, gen.stderr);
  assert.match(gen.stdout, /top 10% of restaurants draw/);

  const model = join(dir, "model");
  const train = await palate(
    "train",
    "--dataset",
    "city",
    "--path",
    city,
    "--model",
    "popularity",
    "--out",
    model,
  );
  assert.equal(train.code, 0, train.stderr);

  const preds = join(dir, "preds.csv");
  const rec = await palate(
    "recommend",
    "--model",
    model,
    "--users",
    join(city, "users.csv"),
    "--k",
    "3",
    "--out",
    preds,
  );
  assert.equal(rec.code, 0, rec.stderr);
  const lines = (await readFile(preds, "utf8")).trim().split("\n");
  assert.equal(lines[0], "user_id,item_id,score");
  // 300 users × 3 items, unless a user has seen almost every restaurant.
  assert.ok(lines.length > 1 + 0.9 * 900, `only ${lines.length - 1} rows`);

  const hybrid = join(dir, "hybrid");
  const trainHybrid = await palate("train", "--dataset", "city", "--path", city, "--out", hybrid);
  assert.equal(trainHybrid.code, 0, trainHybrid.stderr);
  assert.match(trainHybrid.stderr, /blend weights/);
  const similar = await palate("similar", "--model", hybrid, "--item", "r01", "--k", "4", "--json");
  assert.equal(similar.code, 0, similar.stderr);
  const neighbours = similar.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  assert.equal(neighbours.length, 4);
  for (const n of neighbours) assert.ok(["cf", "graph", "content", "popularity"].includes(n.from));
  const unknown = await palate("similar", "--model", hybrid, "--item", "nope");
  assert.match(unknown.stderr, /--item.*'nope' is not in the model/);

  const evalJson = await palate(
    "evaluate",
    "--dataset",
    "city",
    "--path",
    city,
    "--split",
    "leave-last",
    "--json",
  );
  assert.equal(evalJson.code, 0, evalJson.stderr);
  const report = JSON.parse(evalJson.stdout);
  assert.equal(report.k, 10);
  assert.ok(report.ndcg > 0 && report.ndcg <= 1);

  const compare = await palate("evaluate", "--dataset", "city", "--path", city, "--compare");
  assert.equal(compare.code, 0, compare.stderr);
  const table = compare.stdout.split("\n");
  for (const protocol of ["warm", "cold-user-1", "cold-user-3", "cold-user-5", "cold-item"]) {
    assert.ok(
      table.some((line) => line.startsWith(protocol)),
      `no ${protocol} row in\n${compare.stdout}`,
    );
  }
  assert.match(table[1], /hybrid.*als.*elsa.*cleora.*content.*popularity/);
});

test("bad input is an error naming the file, line and field, or the flag", async () => {
  const bad = join(dir, "bad.csv");
  await writeFile(bad, "user_id,item_id,rating\nu1,i1,5\nu2,i2,abc\n");
  const failed = await palate("evaluate", "--interactions", bad);
  assert.equal(failed.code, 2);
  assert.match(failed.stderr, /bad\.csv:3: field 'rating'/);

  const skipped = await palate("evaluate", "--interactions", bad, "--skip-invalid", "--json");
  assert.match(skipped.stderr, /skipped 1 malformed rows/);

  const noData = await palate("evaluate");
  assert.equal(noData.code, 2);
  assert.match(noData.stderr, /--interactions/);

  const embeddings = join(dir, "items.tsv");
  await writeFile(embeddings, "i1\t0.5\t1\ni2\tnan?\t1\n");
  const badEmbeddings = await palate(
    "evaluate",
    "--interactions",
    bad,
    "--skip-invalid",
    "--model",
    "hybrid",
    "--item-embeddings",
    embeddings,
  );
  assert.equal(badEmbeddings.code, 2);
  assert.match(badEmbeddings.stderr, /items\.tsv:2: field 'value 1': not a number/);
  const notHybrid = await palate(
    "train",
    "--interactions",
    bad,
    "--skip-invalid",
    "--model",
    "als",
    "--item-embeddings",
    embeddings,
    "--out",
    join(dir, "x"),
  );
  assert.match(notHybrid.stderr, /--item-embeddings.*part of the hybrid/);

  const badK = await palate("evaluate", "--interactions", bad, "--k", "0");
  assert.notEqual(badK.code, 0);
  assert.match(badK.stderr, /--k/);
});

test("every command has --help", async () => {
  for (const command of [
    [],
    ["demo"],
    ["data", "generate"],
    ["train"],
    ["evaluate"],
    ["recommend"],
    ["similar"],
    ["serve"],
    ["models", "list"],
    ["controller"],
    ["simulate"],
  ]) {
    const help = await palate(...command, "--help");
    assert.equal(help.code, 0, `palate ${command.join(" ")} --help`);
    assert.match(help.stdout, /Usage: palate/);
  }
});
