import assert from "node:assert/strict";
import { test } from "node:test";
import { hasEntry } from "../core/csr.js";
import type { Recommendations, Recommender, RecommendOptions } from "../models/recommender.js";
import { coldItemSplit } from "./cold-item-split.js";
import { evaluate, formatReport } from "./evaluate.js";
import type { Split } from "./splits.js";
import { matrixOf, randomMatrix } from "./testing/fixtures.js";

/**
 * Ranks items by ascending index, honouring `exclude` and `candidates`, and knows only users
 * below `knownUsers` (others get an all -1 row, as an unknown user would). Records its calls.
 */
class ByIndexRecommender implements Pick<Recommender, "kind" | "recommend"> {
  readonly kind = "by-index";
  readonly calls: { users: number[]; options: RecommendOptions }[] = [];

  constructor(
    private readonly nItems: number,
    private readonly knownUsers = Number.POSITIVE_INFINITY,
    private readonly honourExclude = true,
  ) {}

  recommend(userIndices: Int32Array, options: RecommendOptions): Recommendations {
    this.calls.push({ users: [...userIndices], options });
    const { k, exclude, candidates } = options;
    const items = new Int32Array(userIndices.length * k).fill(-1);
    const scores = new Float32Array(userIndices.length * k).fill(Number.NEGATIVE_INFINITY);
    const pool = candidates ?? Int32Array.from({ length: this.nItems }, (_, i) => i);
    userIndices.forEach((u, b) => {
      if (u >= this.knownUsers) return;
      let slot = 0;
      for (const item of pool) {
        if (slot === k) break;
        if (this.honourExclude && exclude && hasEntry(exclude, u, item)) continue;
        items[b * k + slot] = item;
        scores[b * k + slot] = -item;
        slot++;
      }
    });
    return { k, items, scores };
  }
}

/** Train: 0 {0,1}, 1 {0}, 2 {2,3}, 3 {}; test: 0 {2,5}, 1 {1}, 2 {}, 3 {4}. */
function handSplit(): Split {
  const train = matrixOf(
    [
      [0, 0, 0],
      [0, 1, 0],
      [1, 0, 0],
      [2, 2, 0],
      [2, 3, 0],
    ],
    4,
    6,
  );
  const test = matrixOf(
    [
      [0, 2, 1],
      [0, 5, 1],
      [1, 1, 1],
      [3, 4, 1],
    ],
    4,
    6,
  );
  return { name: "hand", train, test };
}

test("evaluate batches the evaluated users, excludes training items and counts missing users", () => {
  const split = handSplit();
  // User 3 is unknown to the model, so it gets an empty list.
  const model = new ByIndexRecommender(6, 3);
  const report = evaluate(model, split, { k: 2, batchSize: 2 });
  // Users with test entries are 0, 1, 3 (user 2 has none), in batches of two.
  assert.deepEqual(
    model.calls.map((c) => c.users),
    [[0, 1], [3]],
  );
  for (const call of model.calls) {
    assert.equal(call.options.exclude, split.train);
    assert.equal(call.options.candidates, undefined);
    assert.equal(call.options.k, 2);
  }
  // User 0: training items 0, 1 removed → L = [2, 3]; R = {2, 5}: P = 1/2, R = 1/2,
  //   nDCG = 1 / (1 + 1/log2(3)), AP = 1 / min(2, 2) · 1 = 1/2.
  // User 1: item 0 removed → L = [1, 2]; R = {1}: P = 1/2, R = 1, nDCG = 1, AP = 1.
  // User 3: missing → zeros.
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);
  close(report.precision, (0.5 + 0.5) / 3);
  close(report.recall, (0.5 + 1) / 3);
  close(report.ndcg, (1 / (1 + 1 / Math.log2(3)) + 1) / 3);
  close(report.map, (0.5 + 1) / 3);
  close(report.hitRate, 2 / 3);
  assert.equal(report.usersEvaluated, 3);
  assert.equal(report.usersMissing, 1);
  assert.equal(report.seenRecommended, 0);
  // Recommended items {1, 2, 3} of 6.
  close(report.coverage, 3 / 6);
  assert.equal(report.k, 2);
  assert.ok(report.timing.totalSeconds >= report.timing.recommendSeconds);
});

test("a model that ignores the exclusion is caught by seenRecommended", () => {
  const report = evaluate(new ByIndexRecommender(6, 4, false), handSplit(), { k: 2 });
  // Users 0, 1 and 3 all get [0, 1]: user 0 saw both, user 1 saw 0; user 1's hit is item 1.
  assert.equal(report.seenRecommended, 3);
  assert.equal(report.hitRate, 1 / 3);
});

test("evaluate on a cold-item split ranks only the held-out items", () => {
  const m = randomMatrix(40, 60, 800, 2);
  const split = coldItemSplit(m, { fraction: 0.2 });
  const model = new ByIndexRecommender(60);
  const report = evaluate(model, split, { k: 5 });
  assert.equal(model.calls[0].options.candidates, split.candidateItems);
  assert.equal(report.usersEvaluated, split.evalUsers!.length);
  assert.equal(report.usersMissing, 0);
  assert.ok(report.coverage > 0 && report.coverage <= 1);
  assert.ok(report.hitRate > 0);
});

test("evaluate samples users deterministically and reports diversity with categories", () => {
  const m = randomMatrix(50, 30, 900, 4);
  const split: Split = { name: "all-test", train: matrixOf([], 50, 30), test: m };
  const categories = Array.from({ length: 30 }, (_, i) => [`c${i % 3}`]);
  const a = evaluate(new ByIndexRecommender(30), split, { k: 3, users: 10, itemCategories: categories });
  const b = evaluate(new ByIndexRecommender(30), split, { k: 3, users: 10, itemCategories: categories });
  assert.equal(a.usersEvaluated, 10);
  assert.equal(a.precision, b.precision);
  // Items 0, 1, 2 fall in three different categories: every pair is at distance 1.
  assert.equal(a.diversity, 1);
});

test("formatReport prints one metric a line and the report survives JSON", () => {
  const report = evaluate(new ByIndexRecommender(6), handSplit(), { k: 2 });
  const text = formatReport(report);
  assert.match(text, /ndcg@2\s+0\.\d{4}/);
  assert.match(text, /diversity\s+n\/a/);
  assert.match(text, /users missing\s+0/);
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
});
