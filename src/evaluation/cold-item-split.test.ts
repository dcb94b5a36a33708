import assert from "node:assert/strict";
import { test } from "node:test";
import { coldItemSplit } from "./cold-item-split.js";
import { nonEmptyRows } from "./splits.js";
import { assertPartition, randomMatrix } from "./testing/fixtures.js";

const m = randomMatrix(60, 120, 1500, 9);

test("coldItemSplit holds out every entry of a fraction of items and ranks only those", () => {
  const split = coldItemSplit(m);
  assertPartition(m, split);
  const active = new Set(m.indices);
  const held = [...split.candidateItems!];
  assert.equal(held.length, Math.round(0.1 * active.size));
  assert.deepEqual(
    held,
    [...held].sort((a, b) => a - b),
  );
  for (const i of held) assert.ok(active.has(i), `held-out item ${i} has interactions`);
  const heldSet = new Set(held);
  assert.ok(
    split.train.indices.every((i) => !heldSet.has(i)),
    "no held-out item in train",
  );
  assert.ok(
    split.test.indices.every((i) => heldSet.has(i)),
    "test holds only held-out items",
  );
  assert.deepEqual(new Set(split.test.indices), heldSet);
  assert.deepEqual([...split.evalUsers!], [...nonEmptyRows(split.test)]);
});

test("coldItemSplit is deterministic for a seed and differs between seeds", () => {
  const a = coldItemSplit(m, { fraction: 0.2, seed: 4 });
  const b = coldItemSplit(m, { fraction: 0.2, seed: 4 });
  const c = coldItemSplit(m, { fraction: 0.2, seed: 5 });
  assert.deepEqual([...a.candidateItems!], [...b.candidateItems!]);
  assert.notDeepEqual([...a.candidateItems!], [...c.candidateItems!]);
  assert.equal(a.name, "cold-item-0.2-seed4");
});
