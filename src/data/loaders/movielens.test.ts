import assert from "node:assert/strict";
import { test } from "node:test";
import type { Dataset } from "../../core/dataset.js";
import { datasetPath } from "../testing/data-dir.js";
import { createLoadContext, finishDataset, type LoadOptions } from "./load-context.js";
import { detectMovieLensLayout, loadMovieLens } from "./movielens.js";
import { tempFiles } from "./temp-files.js";

async function load(dir: string, options: LoadOptions = {}): Promise<Dataset> {
  const ctx = createLoadContext(options);
  await loadMovieLens(dir, ctx);
  return finishDataset(ctx, "movielens");
}

function itemById(d: Dataset, id: string) {
  return d.itemMeta[d.items.indexOf(id)];
}

const small = datasetPath("movielens-latest-small");

test("ml-latest-small: counts, Toy Story, genre-less movies, titles with commas and trailing blanks", {
  skip: small.skip,
}, async () => {
  const d = await load(small.path);
  assert.equal(d.interactions.length, 100_836);
  assert.equal(d.users.size, 610);
  assert.equal(d.items.size, 9_742);
  assert.equal(new Set(d.interactions.itemIndex).size, 9_724);
  assert.equal(d.items.idAt(0), "1");
  assert.deepEqual(itemById(d, "1"), {
    itemId: "1",
    title: "Toy Story (1995)",
    categories: ["Adventure", "Animation", "Children", "Comedy", "Fantasy"],
    attributes: { year: 1995 },
  });
  assert.deepEqual(itemById(d, "114335")?.categories, []);
  assert.equal(itemById(d, "11")?.title, "American President, The (1995)");
  assert.deepEqual(itemById(d, "94494")?.attributes, { year: 2011 });
  assert.equal(itemById(d, "94494")?.title, "96 Minutes (2011)");
  assert.deepEqual(itemById(d, "40697")?.attributes, {});
  assert.deepEqual(d.report.byType, { rating: 100_836 });
  // userId 1 rated movieId 1 with 4.0 at 964982703 (the first data row).
  const t = d.interactions;
  assert.deepEqual(
    [d.users.idAt(t.userIndex[0]), d.items.idAt(t.itemIndex[0]), t.weight[0], t.timestamp[0]],
    ["1", "1", 4, 964982703],
  );
});

test("ml-latest layout on synthetic files: a malformed rating names file:line:field", async () => {
  const files = await tempFiles({
    "movies.csv": 'movieId,title,genres\n1,"Heat, The (1995)",Action\n2,Untitled,(no genres listed)\n',
    "ratings.csv": "userId,movieId,rating,timestamp\n1,1,4.5,10\n1,2,four,11\n",
  });
  try {
    await assert.rejects(load(files.dir), /ratings\.csv:3: field 'rating': not a number: "four"/);
    const d = await load(files.dir, { skipInvalid: true });
    assert.equal(d.interactions.length, 1);
    assert.equal(d.report.skipped, 1);
    assert.deepEqual(d.itemMeta[1], { itemId: "2", title: "Untitled", categories: [], attributes: {} });
  } finally {
    await files.remove();
  }
});

/** A three-genre u.genre keeps the synthetic u.item short; the loader takes names and count from it. */
function ml100kFiles(data: string): Record<string, string | Uint8Array> {
  const latin1 = (text: string) => Buffer.from(text, "latin1");
  return {
    "u.genre": "unknown|0\nAction|1\nDrama|2\n\n",
    "u.item": latin1(
      [
        "1|Toy Story (1995)|01-Jan-1995||http://x|0|1|1",
        "2|Misérables, Les (1995)|||http://y|0|0|1",
        '3|"Quoted" (1996)|05-Feb-1997||http://z|1|0|0',
      ].join("\n") + "\n",
    ),
    "u.user": "1|24|M|technician|85711\n2|53|F|other|T8H1N\n",
    "u.data": data,
  };
}

test("ml-100k: tab ratings, pipe Latin-1 items with genre flags, users with attributes", async () => {
  const files = await tempFiles(ml100kFiles("1\t2\t5\t881250949\n2\t1\t3\t891717742\n3\t3\t1\t878887116\n"));
  try {
    assert.equal(detectMovieLensLayout(files.dir), "ml-100k");
    const d = await load(files.dir);
    assert.deepEqual(d.items.toArray(), ["1", "2", "3"]);
    assert.deepEqual(d.users.toArray(), ["1", "2", "3"]);
    assert.deepEqual(d.itemMeta, [
      { itemId: "1", title: "Toy Story (1995)", categories: ["Action", "Drama"], attributes: { year: 1995 } },
      { itemId: "2", title: "Misérables, Les (1995)", categories: ["Drama"], attributes: { year: 1995 } },
      { itemId: "3", title: '"Quoted" (1996)', categories: [], attributes: { year: 1997 } },
    ]);
    assert.deepEqual(d.userMeta, [
      { userId: "1", attributes: { age: 24, gender: "M", occupation: "technician", zip_code: "85711" } },
      { userId: "2", attributes: { age: 53, gender: "F", occupation: "other", zip_code: "T8H1N" } },
      undefined,
    ]);
    const t = d.interactions;
    assert.deepEqual([...t.weight], [5, 3, 1]);
    assert.deepEqual([...t.timestamp], [881250949, 891717742, 878887116]);
    assert.deepEqual(d.report.byType, { rating: 3 });
  } finally {
    await files.remove();
  }
});

test("ml-100k: malformed rows name file, line and field", async () => {
  const bad = await tempFiles(ml100kFiles("1\t2\t5\t881250949\n1\t1\tx\t1\n"));
  try {
    await assert.rejects(load(bad.dir), /u\.data:2: field 'rating': not a number: "x"/);
  } finally {
    await bad.remove();
  }
  const badItem = await tempFiles({ ...ml100kFiles("1\t1\t5\t1\n"), "u.item": "1|T|||u|0|2|0\n" });
  try {
    await assert.rejects(load(badItem.dir), /u\.item:1: field 'Action': genre flag must be 0 or 1/);
  } finally {
    await badItem.remove();
  }
});

test("a directory with neither layout is rejected", async () => {
  const files = await tempFiles({ "other.csv": "x\n" });
  try {
    await assert.rejects(load(files.dir), /not a MovieLens directory/);
  } finally {
    await files.remove();
  }
});
