import assert from "node:assert/strict";
import { test } from "node:test";
import type { InputError } from "../core/errors.js";
import { tempFiles } from "./loaders/temp-files.js";
import { type NdjsonRecord, readNdjson } from "./ndjson-reader.js";

async function collect(path: string, onError?: (error: InputError) => void): Promise<NdjsonRecord[]> {
  const out: NdjsonRecord[] = [];
  for await (const record of readNdjson(path, { onError, chunkSize: 5 })) out.push(record);
  return out;
}

test("yields parsed values with line numbers, skipping blank lines, across chunk boundaries", async () => {
  const files = await tempFiles({ "e.ndjson": '\uFEFF{"a":1}\r\n\n  \n{"b":"x y"}\n[1,2]' });
  try {
    assert.deepEqual(await collect(files.path("e.ndjson")), [
      { value: { a: 1 }, line: 1 },
      { value: { b: "x y" }, line: 4 },
      { value: [1, 2], line: 5 },
    ]);
  } finally {
    await files.remove();
  }
});

test("a malformed line is an error naming file:line, or is reported and skipped with onError", async () => {
  const files = await tempFiles({ "e.jsonl": '{"a":1}\n{"a":\n{"a":3}\n' });
  try {
    const path = files.path("e.jsonl");
    await assert.rejects(collect(path), (error: Error) =>
      error.message.startsWith(`${path}:2: malformed JSON`),
    );
    const errors: InputError[] = [];
    const records = await collect(path, (error) => errors.push(error));
    assert.deepEqual(
      records.map((r) => r.line),
      [1, 3],
    );
    assert.equal(errors.length, 1);
    assert.equal(errors[0].location.line, 2);
  } finally {
    await files.remove();
  }
});
