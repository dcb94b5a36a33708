import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { IdDictionary } from "../../core/id-dictionary.js";
import { alignEmbeddings, externalPart } from "./external-part.js";
import { readEmbeddings } from "./read-embeddings.js";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-emb-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A .npy file of float32 rows, written by hand: magic, v1.0, padded header, data. */
function npy(rows: number[][]): Buffer {
  const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows.length}, ${rows[0].length}), }`;
  const padded = header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11, " ") + "\n";
  const head = Buffer.alloc(10);
  head.write("\x93NUMPY", 0, "latin1");
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(padded.length, 8);
  return Buffer.concat([
    head,
    Buffer.from(padded, "latin1"),
    Buffer.from(Float32Array.from(rows.flat()).buffer),
  ]);
}

test("TSV and .npy embeddings read to the same vectors", async () => {
  await writeFile(join(dir, "items.tsv"), "a\t1\t0\nb\t0\t1\n");
  await writeFile(
    join(dir, "items.npy"),
    npy([
      [1, 0],
      [0, 1],
    ]),
  );
  await writeFile(join(dir, "items.ids"), "a\nb\n");
  const tsv = await readEmbeddings(join(dir, "items.tsv"));
  const bin = await readEmbeddings(join(dir, "items.npy"));
  assert.deepEqual(tsv, bin);
  assert.equal(tsv.dims, 2);
});

test("malformed embeddings are errors naming the file, line and field", async () => {
  await writeFile(join(dir, "bad.tsv"), "a\t1\t0\nb\t0\tx\n");
  await assert.rejects(readEmbeddings(join(dir, "bad.tsv")), /bad\.tsv:2: field 'value 2': not a number/);
  await writeFile(join(dir, "short.tsv"), "a\t1\t0\nb\t0\n");
  await assert.rejects(readEmbeddings(join(dir, "short.tsv")), /short\.tsv:2: expected 2 values/);
  await writeFile(join(dir, "noids.npy"), npy([[1, 0]]));
  await assert.rejects(readEmbeddings(join(dir, "noids.npy")), /noids\.ids: cannot read the row ids/);
});

test("the external part uses imported user vectors, else the mean of the user's items", async () => {
  await writeFile(join(dir, "i.tsv"), "a\t1\t0\nb\t0\t1\nzzz\t5\t5\n");
  await writeFile(join(dir, "u.tsv"), "u1\t0\t2\n");
  const aligned = alignEmbeddings(
    await readEmbeddings(join(dir, "i.tsv")),
    await readEmbeddings(join(dir, "u.tsv")),
    IdDictionary.from(["b", "a", "c"]),
    IdDictionary.from(["u0", "u1"]),
  );
  assert.deepEqual([...aligned.items], [0, 1, 1, 0, 0, 0]);
  assert.equal(aligned.missingItems, 1);
  const part = externalPart(aligned);
  const out = new Float32Array(2);
  part.query({ userIndex: 1, items: Int32Array.of(0), values: Float32Array.of(1) }, out);
  assert.deepEqual([...out], [0, 2]);
  part.query({ userIndex: 0, items: Int32Array.of(0, 1), values: Float32Array.of(1, 1) }, out);
  assert.ok(Math.abs(out[0] - Math.SQRT1_2) < 1e-6 && Math.abs(out[1] - Math.SQRT1_2) < 1e-6);
});
