import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Dataset } from "../../core/dataset.js";
import { loadGenericInteractions } from "./generic-interactions.js";
import { createLoadContext, finishDataset, type LoadOptions } from "./load-context.js";
import { type TempFiles, tempFiles } from "./temp-files.js";

let files: TempFiles;

before(async () => {
  files = await tempFiles({
    "events.csv": [
      "user_id,item_id,timestamp,type,session",
      "u1,i1,100,view,s1",
      'u1,"i,2",2000-01-01T00:00:00Z,booking,s1',
      "u2,i1,1.5,click,s2",
      "u2,i3,7,dance,s3",
    ].join("\n"),
    "ratings.tsv": "user_id\titem_id\trating\nu1\ti1\t4.5\nu2\ti1\t0\n",
    "weights.csv": "item_id,user_id,weight\ni9,u9,2.5\n",
    "events.ndjson": [
      '{"user_id":"u1","item_id":"i1","type":"click","timestamp":"1970-01-01T00:00:10Z","extra":1}',
      "",
      '{"user_id":17,"item_id":"i2","rating":3}',
      '{"user_id":"u3","item_id":"i2"}',
    ].join("\n"),
  });
});
after(() => files.remove());

async function load(
  name: string,
  options: LoadOptions = {},
): Promise<{ dataset: Dataset; ignored: string[] }> {
  const ctx = createLoadContext(options);
  const { ignoredColumns } = await loadGenericInteractions(files.path(name), ctx);
  return { dataset: finishDataset(ctx, name), ignored: ignoredColumns };
}

/** Rows as readable tuples: [user, item, weight, timestamp, type]. */
function rows(d: Dataset): [string, string, number, number, string][] {
  const t = d.interactions;
  return Array.from({ length: t.length }, (_, i) => [
    d.users.idAt(t.userIndex[i]),
    d.items.idAt(t.itemIndex[i]),
    t.weight[i],
    t.timestamp[i],
    t.types.idAt(t.typeCode[i]),
  ]);
}

test("CSV: typed events get default event weights; ISO and unix timestamps; extra columns reported", async () => {
  const { dataset, ignored } = await load("events.csv");
  assert.deepEqual(rows(dataset), [
    ["u1", "i1", 1, 100, "view"],
    ["u1", "i,2", 5, 946684800, "booking"],
    ["u2", "i1", 2, 1.5, "click"],
    ["u2", "i3", 1, 7, "dance"],
  ]);
  assert.deepEqual(ignored, ["session"]);
  assert.deepEqual(dataset.report.byType, { view: 1, booking: 1, click: 1, dance: 1 });
  assert.equal(dataset.report.rowsBySource[files.path("events.csv")], 4);
});

test("TSV with a rating column: type defaults to rating, weight is the value, timestamp 0", async () => {
  const { dataset } = await load("ratings.tsv");
  assert.deepEqual(rows(dataset), [
    ["u1", "i1", 4.5, 0, "rating"],
    ["u2", "i1", 0, 0, "rating"],
  ]);
});

test("columns may come in any order; a weight column is the value", async () => {
  assert.deepEqual(rows((await load("weights.csv")).dataset), [["u9", "i9", 2.5, 0, "rating"]]);
});

test("NDJSON: numeric ids, per-row value and type defaults, unknown keys reported", async () => {
  const { dataset, ignored } = await load("events.ndjson");
  assert.deepEqual(rows(dataset), [
    ["u1", "i1", 2, 10, "click"],
    ["17", "i2", 3, 0, "rating"],
    ["u3", "i2", 1, 0, "interaction"],
  ]);
  assert.deepEqual(ignored, ["extra"]);
});

const header = "user_id,item_id,rating,timestamp";
const malformed: [string, string, RegExp][] = [
  [
    "non-numeric rating",
    `${header}\nu1,i1,4,1\nu1,i2,abc,1`,
    /bad\.csv:3: field 'rating': not a number: "abc"$/,
  ],
  ["empty rating", `${header}\nu1,i2,,1`, /bad\.csv:2: field 'rating': missing value$/],
  [
    "bad timestamp",
    `${header}\nu1,i1,4,yesterday`,
    /bad\.csv:2: field 'timestamp': not a unix time or ISO 8601/,
  ],
  ["empty user id", `${header}\n,i1,4,1`, /bad\.csv:2: field 'user_id': must not be empty/],
  [
    "control character in an id",
    `${header}\nu1,i\u00011,4,1`,
    /bad\.csv:2: field 'item_id': must not contain control/,
  ],
  ["wrong column count", `${header}\nu1,i1,4`, /bad\.csv:2: expected 4 fields, found 3$/],
  ["missing column", "user_id,rating\nu1,4", /bad\.csv:1: field 'item_id': required column missing/],
  [
    "two value columns",
    "user_id,item_id,rating,weight\nu1,i1,1,2",
    /bad\.csv:1: field 'weight': only one value column/,
  ],
  ["empty file", "", /bad\.csv: empty file/],
];

for (const [name, text, message] of malformed) {
  test(`CSV rejects a malformed file: ${name}`, async () => {
    const bad = await tempFiles({ "bad.csv": text });
    try {
      const ctx = createLoadContext();
      await assert.rejects(loadGenericInteractions(bad.path("bad.csv"), ctx), message);
    } finally {
      await bad.remove();
    }
  });
}

test("NDJSON rejects malformed rows naming file:line:field", async () => {
  const cases: [string, RegExp][] = [
    ['{"user_id":"u","item_id":"i","rating":"x"}', /bad\.ndjson:1: field 'rating': not a number: "x"/],
    ['{"user_id":"u","item_id":"i","timestamp":"soon"}', /bad\.ndjson:1: field 'timestamp': not a unix time/],
    ['{"user_id":"u"}', /bad\.ndjson:1: field 'item_id': missing value/],
    ['{"user_id":"u","item_id":"i","type":3}', /bad\.ndjson:1: field 'type': must be a string/],
    ['{"user_id":"u","item_id":"i","type":""}', /bad\.ndjson:1: field 'type': Too small/],
    ["[1]", /bad\.ndjson:1: expected a JSON object/],
    ["{oops", /bad\.ndjson:1: malformed JSON/],
  ];
  for (const [line, message] of cases) {
    const bad = await tempFiles({ "bad.ndjson": line });
    try {
      await assert.rejects(loadGenericInteractions(bad.path("bad.ndjson"), createLoadContext()), message);
    } finally {
      await bad.remove();
    }
  }
});

test("skipInvalid skips and counts bad rows, keeps the first 10 messages, leaves no trace of them", async () => {
  const lines = [header, "u1,i1,4,1"];
  for (let i = 0; i < 12; i++) lines.push(`ghost${i},i${i},x,1`);
  lines.push("u2,i1,3,2");
  const bad = await tempFiles({
    "bad.csv": lines.join("\n"),
    "bad.ndjson": '{"user_id":"u","item_id":"i"}\n{bad\n',
  });
  try {
    const ctx = createLoadContext({ skipInvalid: true });
    await loadGenericInteractions(bad.path("bad.csv"), ctx);
    await loadGenericInteractions(bad.path("bad.ndjson"), ctx);
    const d = finishDataset(ctx, "bad");
    assert.equal(d.interactions.length, 3);
    assert.equal(d.report.skipped, 13);
    assert.equal(d.report.skippedExamples.length, 10);
    assert.match(d.report.skippedExamples[0], /bad\.csv:3: field 'rating': not a number: "x"/);
    assert.deepEqual(d.users.toArray(), ["u1", "u2", "u"]);
    assert.deepEqual(d.items.toArray(), ["i1", "i"]);
    assert.equal(d.report.rowsBySource[bad.path("bad.csv")], 14);
    assert.equal(d.report.rowsBySource[bad.path("bad.ndjson")], 2);
  } finally {
    await bad.remove();
  }
});

test("an unknown extension is rejected", async () => {
  await assert.rejects(
    loadGenericInteractions("events.xlsx", createLoadContext()),
    /events\.xlsx: unknown file format/,
  );
});
