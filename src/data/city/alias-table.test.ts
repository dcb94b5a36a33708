import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../../math/random.js";
import { AliasTable, drawAliasSegment, fillAliasSegment } from "./alias-table.js";

test("alias table draws in proportion to the weights and never draws a zero weight", () => {
  const weights = [5, 0, 1, 3, 0.5, 0.5];
  const table = new AliasTable(weights);
  const rng = new Random(11);
  const counts = new Float64Array(weights.length);
  const n = 200_000;
  for (let i = 0; i < n; i++) counts[table.draw(rng)]++;
  const total = weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) {
    assert.ok(Math.abs(counts[i] / n - weights[i] / total) < 0.005, `outcome ${i}: ${counts[i] / n}`);
  }
  assert.equal(counts[1], 0);
});

test("segments of one buffer hold independent tables with local indices", () => {
  const weights = Float64Array.from([1, 1, 0, 9, 1]);
  const prob = new Float64Array(5);
  const alias = new Int32Array(5);
  const scratch = [new Int32Array(5), new Int32Array(5)] as const;
  fillAliasSegment(weights, 0, 2, prob, alias, scratch[0], scratch[1]);
  fillAliasSegment(weights, 2, 5, prob, alias, scratch[0], scratch[1]);
  const rng = new Random(3);
  const counts = [0, 0, 0];
  for (let i = 0; i < 50_000; i++) counts[drawAliasSegment(prob, alias, 2, 3, rng)]++;
  assert.equal(counts[0], 0);
  assert.ok(Math.abs(counts[1] / 50_000 - 0.9) < 0.01);
  for (let i = 0; i < 1000; i++) assert.ok(drawAliasSegment(prob, alias, 0, 2, rng) < 2);
});
