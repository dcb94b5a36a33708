import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { InputError } from "../core/errors.js";
import { Random } from "../math/random.js";
import { type CsvOptions, CsvParser } from "./csv-reader.js";
import { readNdjson } from "./ndjson-reader.js";

// PALATE_FUZZ_SEED and PALATE_FUZZ_TEXTS reproduce or widen a run; CI uses the defaults.
const SEED = Number(process.env.PALATE_FUZZ_SEED ?? 20261127);
const TEXTS = Number(process.env.PALATE_FUZZ_TEXTS ?? 3000);

const dir = mkdtempSync(join(tmpdir(), "palate-reader-fuzz-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Text made of the characters that matter to a CSV parser, plus some that should not. */
function csvText(random: Random): string {
  const alphabet = [
    "a",
    "b",
    "1",
    ",",
    ",",
    '"',
    '"',
    "\n",
    "\n",
    "\r",
    "\r\n",
    " ",
    "\t",
    "|",
    "é",
    "😀",
    "\ufeff",
  ];
  let text = "";
  for (let n = random.int(120); n > 0; n--) text += alphabet[random.int(alphabet.length)];
  return text;
}

type Parsed = { records: { fields: string[]; line: number }[] } | { error: string };

/** Every record of `text` fed to a parser in the given chunk sizes (cycled), or its error. */
function parseInChunks(text: string, sizes: number[], options: CsvOptions): Parsed {
  const parser = new CsvParser("fuzz.csv", options);
  const records: { fields: string[]; line: number }[] = [];
  const collect = (batch: ReturnType<CsvParser["push"]>) => {
    for (let r = 0; r < batch.length; r++) {
      records.push({ fields: batch.cells.slice(batch.starts[r], batch.starts[r + 1]), line: batch.lines[r] });
    }
  };
  try {
    for (let at = 0, i = 0; at < text.length; i++) {
      const size = sizes[i % sizes.length];
      collect(parser.push(text.slice(at, at + size)));
      at += size;
    }
    collect(parser.end());
    return { records };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { error: error.message };
  }
}

test(`${TEXTS} random CSV texts parse the same whatever the chunk boundaries`, () => {
  const random = new Random(SEED);
  const mismatches: string[] = [];
  let errors = 0;
  for (let n = 0; n < TEXTS; n++) {
    const text = csvText(random);
    const options: CsvOptions =
      random.next() < 0.2 ? { quote: false } : random.next() < 0.2 ? { delimiter: "\t" } : {};
    const whole = parseInChunks(text, [text.length + 1], options);
    if ("error" in whole) {
      errors++;
      assert.match(whole.error, /^fuzz\.csv:\d+: /, "a parse error names file:line");
    }
    const sizes = Array.from({ length: 1 + random.int(4) }, () => 1 + random.int(8));
    const chunked = parseInChunks(text, sizes, options);
    if (JSON.stringify(whole) !== JSON.stringify(chunked)) {
      mismatches.push(`#${n} chunks ${sizes} ${JSON.stringify(options)}: ${JSON.stringify(text)}`);
    }
  }
  assert.deepEqual(
    mismatches.slice(0, 5),
    [],
    `seed ${SEED}: ${mismatches.length} texts parse differently in chunks`,
  );
  assert.ok(errors > 0 && errors < TEXTS, `both outcomes are reached (${errors} errors)`);
});

test("random NDJSON files read the same whatever the chunk size, errors naming file:line", async () => {
  const random = new Random(SEED + 1);
  const pieces = [
    '{"a":1}',
    '{"b":"é😀"}',
    "[1,2]",
    "{",
    "}",
    '"x"',
    "\n",
    "\n",
    "\r\n",
    " ",
    "null",
    "\ufeff",
    "\\",
  ];
  for (let n = 0; n < 300; n++) {
    let text = "";
    for (let k = random.int(30); k > 0; k--) text += pieces[random.int(pieces.length)];
    const path = join(dir, `${n}.ndjson`);
    writeFileSync(path, text);
    const read = async (chunkSize: number) => {
      const values: unknown[] = [];
      const errors: string[] = [];
      for await (const record of readNdjson(path, { chunkSize, onError: (e) => errors.push(e.message) })) {
        values.push([record.line, record.value]);
      }
      return { values, errors };
    };
    const whole = await read(1 << 16);
    for (const message of whole.errors) assert.ok(message.startsWith(`${path}:`), message);
    assert.deepEqual(await read(1 + random.int(7)), whole, `#${n}: ${JSON.stringify(text)}`);
  }
});
