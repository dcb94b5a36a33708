import assert from "node:assert/strict";
import { test } from "node:test";
import { transposeCsr } from "../core/csr.js";
import { stratifiedSplit } from "./stratified-split.js";
import { assertPartition, entries, matrixOf, randomMatrix } from "./testing/fixtures.js";

const m = randomMatrix(60, 300, 1500);

test("stratifiedSplit keeps every entry exactly once and never in both parts", () => {
  for (const by of ["user", "item"] as const) assertPartition(m, stratifiedSplit(m, { by }));
});

test("stratifiedSplit puts round(ratio·n) of each group in train, groups of one in train", () => {
  for (const ratio of [0.75, 0.3]) {
    // By user the groups are rows; by item they are rows of the transpose.
    for (const by of ["user", "item"] as const) {
      const split = stratifiedSplit(m, { by, ratio });
      const [full, train] = by === "user" ? [m, split.train] : [transposeCsr(m), transposeCsr(split.train)];
      let singletons = 0;
      for (let g = 0; g < full.nRows; g++) {
        const n = full.indptr[g + 1] - full.indptr[g];
        if (n === 1) singletons++;
        const expected = n === 1 ? 1 : Math.round(ratio * n);
        assert.equal(train.indptr[g + 1] - train.indptr[g], expected, `${by} ${g} with ${n} entries`);
      }
      if (by === "item") assert.ok(singletons > 0, "the fixture should have items with one entry");
    }
  }
});

test("stratifiedSplit is deterministic for a seed and differs between seeds", () => {
  const a = stratifiedSplit(m, { by: "item", seed: 7 });
  const b = stratifiedSplit(m, { by: "item", seed: 7 });
  const c = stratifiedSplit(m, { by: "item", seed: 8 });
  assert.deepEqual(entries(a.train), entries(b.train));
  assert.deepEqual(entries(a.test), entries(b.test));
  assert.notDeepEqual(entries(a.train), entries(c.train));
  assert.equal(a.name, "stratified-by-item-0.75-seed7");
});

test("stratifiedSplit defaults to 0.75 and seed 42", () => {
  const a = stratifiedSplit(m, { by: "item" });
  const b = stratifiedSplit(m, { by: "item", ratio: 0.75, seed: 42 });
  assert.deepEqual(entries(a.test), entries(b.test));
});

test("stratifiedSplit by user on a small matrix: 4 entries at 0.75 leave 3 in train", () => {
  const small = matrixOf(
    [
      [0, 0, 1],
      [0, 1, 2],
      [0, 2, 3],
      [0, 3, 4],
      [1, 0, 5],
    ],
    2,
    4,
  );
  const split = stratifiedSplit(small, { by: "user" });
  assert.deepEqual([...split.train.indptr], [0, 3, 4]);
  assert.deepEqual([...split.test.indptr], [0, 1, 1]);
});

test("stratifiedSplit rejects a ratio outside (0, 1]", () => {
  assert.throws(() => stratifiedSplit(m, { by: "user", ratio: 0 }), RangeError);
  assert.throws(() => stratifiedSplit(m, { by: "user", ratio: 1.5 }), RangeError);
});
