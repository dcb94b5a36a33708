import assert from "node:assert/strict";
import { buildCsr, type CsrMatrix } from "../../core/csr.js";
import { Random } from "../../math/random.js";
import type { Split } from "../splits.js";

/** A random interaction matrix with duplicates and integer timestamps in [0, 1000). */
export function randomMatrix(nUsers: number, nItems: number, nEvents: number, seed = 1): CsrMatrix {
  const rng = new Random(seed);
  const rows = new Int32Array(nEvents);
  const cols = new Int32Array(nEvents);
  const values = new Float32Array(nEvents);
  const timestamps = new Float64Array(nEvents);
  for (let i = 0; i < nEvents; i++) {
    rows[i] = rng.int(nUsers);
    // Squaring skews popularity so that some items have many entries and some one or none.
    cols[i] = Math.floor(rng.next() ** 2 * nItems);
    values[i] = 1 + rng.int(3);
    timestamps[i] = rng.int(1000);
  }
  return buildCsr({ length: nEvents, rows, cols, values, timestamps }, nUsers, nItems);
}

/** A matrix from explicit `[user, item, timestamp]` triples (value 1 each). */
export function matrixOf(triples: [number, number, number][], nUsers: number, nItems: number): CsrMatrix {
  return buildCsr(
    {
      length: triples.length,
      rows: Int32Array.from(triples, (t) => t[0]),
      cols: Int32Array.from(triples, (t) => t[1]),
      values: Float32Array.from(triples, () => 1),
      timestamps: Float64Array.from(triples, (t) => t[2]),
    },
    nUsers,
    nItems,
  );
}

/** Every entry as "user,item,value,timestamp", in row order. */
export function entries(m: CsrMatrix): string[] {
  const out: string[] = [];
  for (let u = 0; u < m.nRows; u++) {
    for (let e = m.indptr[u]; e < m.indptr[u + 1]; e++) {
      out.push(`${u},${m.indices[e]},${m.values[e]},${m.timestamps ? m.timestamps[e] : ""}`);
    }
  }
  return out;
}

/** The items of row `u`. */
export function rowItems(m: CsrMatrix, u: number): number[] {
  return [...m.indices.subarray(m.indptr[u], m.indptr[u + 1])];
}

/** Asserts that train and test have the input's shape and share no (user, item) pair. */
export function assertDisjoint(input: CsrMatrix, split: Split): void {
  for (const part of [split.train, split.test]) {
    assert.equal(part.nRows, input.nRows);
    assert.equal(part.nCols, input.nCols);
  }
  const pairs = (m: CsrMatrix) => new Set(entries(m).map((s) => s.split(",").slice(0, 2).join(",")));
  const train = pairs(split.train);
  for (const pair of pairs(split.test)) assert.ok(!train.has(pair), `${pair} is in both train and test`);
}

/** Asserts that train ∪ test is exactly the input (no entry lost or duplicated) and they are disjoint. */
export function assertPartition(input: CsrMatrix, split: Split): void {
  assertDisjoint(input, split);
  const union = [...entries(split.train), ...entries(split.test)].sort();
  assert.deepEqual(union, entries(input).sort());
}
