import assert from "node:assert/strict";
import { test } from "node:test";
import {
  accumulateGramTiles,
  dotF32,
  gramTileRows,
  mirrorUpper,
  multiplyRows,
  scoreRows,
  splitGramTiles,
} from "./dense.js";
import { Random } from "./random.js";

function randomArray<T extends Float32Array | Float64Array>(array: T, rng: Random): T {
  for (let i = 0; i < array.length; i++) array[i] = rng.next() * 2 - 1;
  return array;
}

test("dotF32 matches the textbook sum at any length and offset", () => {
  const rng = new Random(1);
  const a = randomArray(new Float32Array(23), rng);
  const b = randomArray(new Float32Array(23), rng);
  for (const n of [0, 1, 4, 7, 13]) {
    let expected = 0;
    for (let j = 0; j < n; j++) expected += a[3 + j] * b[5 + j];
    assert.ok(Math.abs(dotF32(a, 3, b, 5, n) - expected) < 1e-6);
  }
});

test("multiplyRows equals P·G, and a row's result does not depend on its block", () => {
  const rng = new Random(2);
  for (const k of [1, 5, 8, 11]) {
    const rows = 7;
    const p = randomArray(new Float64Array(rows * k), rng);
    const g = randomArray(new Float64Array(k * k), rng);
    const out = new Float64Array(rows * k);
    multiplyRows(p, rows, g, k, out);
    for (let u = 0; u < rows; u++) {
      for (let j = 0; j < k; j++) {
        let expected = 0;
        for (let a = 0; a < k; a++) expected += p[u * k + a] * g[a * k + j];
        assert.equal(out[u * k + j], expected, `k=${k} row ${u} col ${j}`);
      }
    }
    // Row 4 alone (the single-row path) gives the same bits as inside the 3-row tile.
    const alone = new Float64Array(k);
    multiplyRows(p.subarray(3 * k, 4 * k), 1, g, k, alone);
    assert.deepEqual(alone, out.subarray(3 * k, 4 * k));
  }
});

test("accumulateGramTiles + mirrorUpper give XᵀX, identically for any tile split", () => {
  const rng = new Random(3);
  for (const k of [3, 8, 10]) {
    const n = 600;
    const x = randomArray(new Float32Array(n * k), rng);
    const whole = new Float64Array(k * k);
    accumulateGramTiles(x, n, k, 0, gramTileRows(k), whole);
    mirrorUpper(whole, k);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        let expected = 0;
        for (let r = 0; r < n; r++) expected += x[r * k + a] * x[r * k + b];
        assert.ok(Math.abs(whole[a * k + b] - expected) < 1e-9, `k=${k} (${a}, ${b})`);
      }
    }
    const parts = new Float64Array(k * k);
    for (const [t0, t1] of splitGramTiles(k, 3)) accumulateGramTiles(x, n, k, t0, t1, parts);
    mirrorUpper(parts, k);
    assert.deepEqual(parts, whole);
  }
});

test("splitGramTiles covers every tile row once with balanced triangle areas", () => {
  assert.deepEqual(splitGramTiles(64, 1), [[0, 16]]);
  const two = splitGramTiles(64, 2);
  assert.equal(two[0][0], 0);
  assert.equal(two[0][1], two[1][0]);
  assert.equal(two[1][1], 16);
  // 136 tiles in all: the first range (the long rows) must hold about half.
  let first = 0;
  for (let t = two[0][0]; t < two[0][1]; t++) first += 16 - t;
  assert.ok(first >= 60 && first <= 76, `first part holds ${first} tiles`);
});

test("scoreRows gives every row's inner product with the query, whatever n mod 4", () => {
  const d = 5;
  for (const n of [1, 3, 4, 7]) {
    const a = Float32Array.from({ length: n * d }, (_, i) => ((i * 7) % 11) - 5);
    const q = Float32Array.from({ length: d }, (_, j) => j - 2);
    const out = new Float32Array(n);
    scoreRows(a, n, d, q, out);
    for (let i = 0; i < n; i++) {
      let expected = 0;
      for (let j = 0; j < d; j++) expected += a[i * d + j] * q[j];
      assert.equal(out[i], expected, `n ${n}, row ${i}`);
    }
  }
});
