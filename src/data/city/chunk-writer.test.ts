import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { ChunkWriter } from "./chunk-writer.js";

/** A writable that accepts slowly and reports backpressure early. */
function slowSink(chunks: Buffer[]): Writable {
  return new Writable({
    highWaterMark: 64,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      setTimeout(done, 1);
    },
  });
}

test("integers, bytes and text arrive in order through a slow stream", async () => {
  const chunks: Buffer[] = [];
  const out = new ChunkWriter(slowSink(chunks), 1024);
  let expected = "";
  for (let i = 0; i < 2000; i++) {
    out.int(i, 5);
    out.byte(44);
    out.int(i * 1_000_003);
    out.bytes(new Uint8Array([10]));
    expected += `${String(i).padStart(5, "0")},${i * 1_000_003}\n`;
    if (out.full()) await out.flush();
  }
  const long = "x".repeat(5000);
  await out.text(long);
  expected += long;
  await out.end();
  const text = Buffer.concat(chunks).toString("utf8");
  assert.equal(text, expected);
  assert.equal(out.bytesWritten, Buffer.byteLength(expected));
  assert.ok(chunks.length > 10, "output went out in several chunks");
});

test("a failing stream makes the writer reject", async () => {
  const sink = new Writable({
    write(_chunk, _encoding, done) {
      done(new Error("disk full"));
    },
  });
  const out = new ChunkWriter(sink, 1024);
  await out.text("hello\n");
  await assert.rejects(out.end(), /disk full/);
});
