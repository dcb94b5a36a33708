import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "../core/errors.js";
import {
  batchRecord,
  type CsvBatch,
  type CsvOptions,
  CsvParser,
  type CsvRecord,
  readCsv,
} from "./csv-reader.js";
import { tempFiles } from "./loaders/temp-files.js";

/** Parses `text` fed in the given chunks; returns [fields, line] pairs. */
function parseChunks(chunks: string[], options: CsvOptions = {}): [string[], number][] {
  const parser = new CsvParser("test.csv", options);
  const out: [string[], number][] = [];
  const take = (batch: CsvBatch) => {
    assert.equal(batch.starts.length, batch.length + 1);
    for (let r = 0; r < batch.length; r++) {
      const record = batchRecord(batch, r);
      out.push([record.fields, record.line]);
    }
  };
  for (const chunk of chunks) take(parser.push(chunk));
  take(parser.end());
  return out;
}

const parse = (text: string, options: CsvOptions = {}) => parseChunks([text], options);

test("simple records carry 1-based line numbers; blank lines are skipped but counted", () => {
  assert.deepEqual(parse("a,b\n1,2\n\n3,4\n"), [
    [["a", "b"], 1],
    [["1", "2"], 2],
    [["3", "4"], 4],
  ]);
});

test("CRLF endings, a UTF-8 BOM and a missing final newline are tolerated", () => {
  assert.deepEqual(parse("\uFEFFid,name\r\n1,x\r\n2,y"), [
    [["id", "name"], 1],
    [["1", "x"], 2],
    [["2", "y"], 3],
  ]);
});

test("single-column lines and lines with and without delimiters mix", () => {
  assert.deepEqual(parse("id\n1\n2,3\n\n4\n"), [
    [["id"], 1],
    [["1"], 2],
    [["2", "3"], 3],
    [["4"], 5],
  ]);
});

test("empty fields and a trailing delimiter give empty strings", () => {
  assert.deepEqual(parse("a,,c,\n,\n"), [
    [["a", "", "c", ""], 1],
    [["", ""], 2],
  ]);
});

test("RFC 4180 quoting: quoted commas, doubled quotes, quoted newlines", () => {
  const text =
    'id,title\n1,"Hello, world"\n2,"say ""hi"""\n3,"two\nlines"\n4,"crlf\r\ninside"\r\n5,""\n6,last\n';
  assert.deepEqual(parse(text), [
    [["id", "title"], 1],
    [["1", "Hello, world"], 2],
    [["2", 'say "hi"'], 3],
    [["3", "two\nlines"], 4],
    [["4", "crlf\r\ninside"], 6],
    [["5", ""], 8],
    [["6", "last"], 9],
  ]);
});

test("a quoted last field at the end of the file and text after a closing quote", () => {
  assert.deepEqual(parse('a,"b"'), [[["a", "b"], 1]]);
  assert.deepEqual(parse('"a"x,b\n'), [[["ax", "b"], 1]]);
  assert.deepEqual(parse('a,"b",\n'), [[["a", "b", ""], 1]]);
  assert.deepEqual(parse('5" screen,"x"\n'), [[['5" screen', "x"], 1]]);
});

test("chunk boundaries anywhere give the same records", () => {
  const text =
    '\uFEFFid,title,genres\r\n1,"Toy Story, the (1995)",A|B\r\n\r\n2,"multi\nline ""quoted""",C\n3,plain,D\n4,"",\n5,"end"';
  const whole = parse(text);
  assert.equal(whole.length, 6);
  for (let cut = 1; cut < text.length; cut++) {
    assert.deepEqual(parseChunks([text.slice(0, cut), text.slice(cut)]), whole, `cut at ${cut}`);
  }
  assert.deepEqual(parseChunks([...text]), whole, "one character per chunk");
});

test("an unterminated quote is an InputError naming file and line", () => {
  assert.throws(
    () => parse('a,b\n1,"open\n2,3\n'),
    (error: unknown) =>
      error instanceof InputError && error.message === "test.csv:2: unterminated quoted field",
  );
});

test("tab and pipe delimiters; quote: false reads quotes literally", () => {
  assert.deepEqual(parse("1\t2\t3\n", { delimiter: "\t" }), [[["1", "2", "3"], 1]]);
  assert.deepEqual(parse('1|"Quoted" title|x\n', { delimiter: "|", quote: false }), [
    [["1", '"Quoted" title', "x"], 1],
  ]);
  assert.throws(() => new CsvParser("x", { delimiter: "ab" }), RangeError);
});

test("readCsv streams a file in small chunks with the right line numbers", async () => {
  const rows = Array.from({ length: 200 }, (_, i) => (i % 7 === 0 ? `${i},"q,${i}"` : `${i},v${i}`));
  const files = await tempFiles({ "big.csv": `n,v\n${rows.join("\n")}\n` });
  try {
    const records: CsvRecord[] = [];
    for await (const record of readCsv(files.path("big.csv"), { chunkSize: 7 })) records.push(record);
    assert.equal(records.length, 201);
    assert.deepEqual(records[1], { fields: ["0", "q,0"], line: 2 });
    assert.deepEqual(records[200], { fields: ["199", "v199"], line: 201 });
  } finally {
    await files.remove();
  }
});

test("latin1 encoding decodes single-byte accents (ml-100k's u.item)", async () => {
  const bytes = Uint8Array.from([...Buffer.from("1|Mis"), 0xe9, ...Buffer.from("rables (1995)|x\n")]);
  const files = await tempFiles({ "u.item": bytes });
  try {
    const records: CsvRecord[] = [];
    for await (const r of readCsv(files.path("u.item"), { delimiter: "|", encoding: "latin1" }))
      records.push(r);
    assert.deepEqual(records[0].fields, ["1", "Misérables (1995)", "x"]);
  } finally {
    await files.remove();
  }
});

test("a missing file is an InputError naming it", async () => {
  await assert.rejects(async () => {
    for await (const _ of readCsv("/nonexistent/ratings.csv")) {
      // nothing: the read fails before the first record
    }
  }, /\/nonexistent\/ratings\.csv: cannot read file \(ENOENT\)/);
});
