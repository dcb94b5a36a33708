import assert from "node:assert/strict";
import { test } from "node:test";
import { coldUserSplit } from "./cold-user-split.js";
import { nonEmptyRows } from "./splits.js";
import { stratifiedSplit } from "./stratified-split.js";
import { assertDisjoint, entries, randomMatrix, rowItems } from "./testing/fixtures.js";

const m = randomMatrix(80, 40, 2000, 5);
const base = stratifiedSplit(m, { by: "item" });

/** Positions of row `u` of the base train, ordered by (timestamp, item). */
function timeOrder(u: number): number[] {
  const { train } = base;
  const order: number[] = [];
  for (let e = train.indptr[u]; e < train.indptr[u + 1]; e++) order.push(e);
  return order.sort(
    (a, b) => train.timestamps![a] - train.timestamps![b] || train.indices[a] - train.indices[b],
  );
}

test("coldUserSplit keeps the n earliest training entries of a fraction of users", () => {
  const n = 3;
  const split = coldUserSplit(m, { n });
  assertDisjoint(m, split);
  const cold = [...split.evalUsers!];
  assert.equal(cold.length, Math.round(0.2 * nonEmptyRows(base.test).length));
  assert.deepEqual(
    cold,
    [...cold].sort((a, b) => a - b),
  );
  const isCold = new Set(cold);
  for (let u = 0; u < m.nRows; u++) {
    if (isCold.has(u)) {
      const expected = timeOrder(u)
        .slice(0, n)
        .map((e) => base.train.indices[e])
        .sort((a, b) => a - b);
      assert.deepEqual(rowItems(split.train, u), expected, `cold user ${u}`);
      assert.ok(rowItems(split.train, u).length <= n);
      assert.deepEqual(rowItems(split.test, u), rowItems(base.test, u));
      assert.ok(rowItems(split.test, u).length > 0);
    } else {
      assert.deepEqual(rowItems(split.train, u), rowItems(base.train, u));
      assert.deepEqual(rowItems(split.test, u), []);
    }
  }
  // Nothing is created: train and test are subsets of the base split's parts.
  const baseEntries = new Set([...entries(base.train), ...entries(base.test)]);
  for (const e of [...entries(split.train), ...entries(split.test)]) assert.ok(baseEntries.has(e));
});

test("coldUserSplit with n = 0 leaves the chosen users without training entries", () => {
  const split = coldUserSplit(m, { n: 0, fraction: 0.5 });
  for (const u of split.evalUsers!) assert.deepEqual(rowItems(split.train, u), []);
});

test("coldUserSplit is deterministic for a seed and differs between seeds", () => {
  const a = coldUserSplit(m, { n: 2, seed: 1 });
  const b = coldUserSplit(m, { n: 2, seed: 1 });
  const c = coldUserSplit(m, { n: 2, seed: 2 });
  assert.deepEqual([...a.evalUsers!], [...b.evalUsers!]);
  assert.deepEqual(entries(a.train), entries(b.train));
  assert.notDeepEqual([...a.evalUsers!], [...c.evalUsers!]);
});

test("coldUserSplit starts from the given base split", () => {
  const userBase = stratifiedSplit(m, { by: "user", seed: 3 });
  const split = coldUserSplit(m, { n: 1, base: userBase });
  for (const u of split.evalUsers!) assert.deepEqual(rowItems(split.test, u), rowItems(userBase.test, u));
  assert.match(split.name, /stratified-by-user/);
});
