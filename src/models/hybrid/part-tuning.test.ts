import assert from "node:assert/strict";
import { test } from "node:test";
import { buildCsr } from "../../core/csr.js";
import { IdDictionary } from "../../core/id-dictionary.js";
import { stratifiedSplit } from "../../evaluation/stratified-split.js";
import { Random } from "../../math/random.js";
import type { AlsModel } from "../als/als-model.js";
import type { EaseModel } from "../ease/ease-model.js";
import type { TrainingData } from "../recommender.js";
import type { ValidationUser } from "./blend-search.js";
import { partNdcg } from "./part-scoring.js";
import { ALS_CANDIDATES, climbLambda, describeTuning, EASE_LAMBDA_GRID, tuneParts } from "./part-tuning.js";
import { type PartOptions, trainParts } from "./train-parts.js";
import { historyOf } from "./validation-users.js";

/** Three groups of users, each mostly on its own third of the items, ratings 0.5–5: noisy enough that candidates differ. */
function groupedRatings(): TrainingData {
  const random = new Random(9);
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let u = 0; u < 90; u++)
    for (let i = 0; i < 30; i++)
      if (random.next() < (Math.floor(i / 10) === u % 3 ? 0.45 : 0.08)) {
        rows.push(u);
        cols.push(i);
        values.push(0.5 * (1 + random.int(10)));
      }
  const coo = {
    length: rows.length,
    rows: Int32Array.from(rows),
    cols: Int32Array.from(cols),
    values: Float32Array.from(values),
  };
  return {
    matrix: buildCsr(coo, 90, 30),
    users: IdDictionary.from(Array.from({ length: 90 }, (_, u) => `u${u}`)),
    items: IdDictionary.from(Array.from({ length: 30 }, (_, i) => `i${i}`)),
    itemMeta: [],
    userMeta: [],
  };
}

const data = groupedRatings();
const split = stratifiedSplit(data.matrix, { by: "item", ratio: 0.7, seed: 3 });
const validationData = { ...data, matrix: split.train };
const users: ValidationUser[] = [];
for (let u = 0; u < 90; u++) {
  const from = split.test.indptr[u];
  const to = split.test.indptr[u + 1];
  if (to > from)
    users.push({ history: historyOf(split.train, u), relevant: split.test.indices.slice(from, to) });
}
const PARTS: PartOptions = { als: { factors: 4, iterations: 4, threads: 0 }, ease: { rank: 6 } };

test("tuning picks the EASE λ and ALS candidate that score best on validation, and the full fit gets them", async () => {
  const fit = await trainParts(["als", "ease"], validationData, PARTS);
  const untunedEase = fit.models.get("ease") as EaseModel;
  const { options, reports } = await tuneParts(fit, validationData, users, PARTS);
  const ease = reports.find((r) => r.part === "ease");
  const als = reports.find((r) => r.part === "als");
  assert.ok(ease && als);
  assert.notEqual(als.tried[0].ndcg, als.tried[1].ndcg, "the ALS candidates must be told apart");
  // The climb tried the chosen grid value's neighbours (or the midpoints towards them).
  assert.ok(ease.tried.length >= 3);
  assert.equal(als.tried.length, ALS_CANDIDATES.length);
  for (const report of [ease, als]) {
    const best = Math.max(...report.tried.map((t) => t.ndcg));
    const chosen = report.tried.find((t) => t.ndcg === best);
    assert.deepEqual(report.chosen, chosen?.params, `${report.part}: chosen is not the best tried`);
  }
  assert.equal(options.ease?.lambda, ease.chosen.lambda);
  assert.equal(options.als?.regularization, als.chosen.regularization);
  assert.equal(options.als?.confidenceBase, als.chosen.confidenceBase);
  assert.equal(options.als?.factors, 4, "options the caller set are kept");
  // The validation fit now holds the tuned models, and its parts score as the report says.
  const tunedEase = fit.models.get("ease") as EaseModel;
  assert.notEqual(tunedEase, untunedEase);
  assert.equal(tunedEase.params.lambda, ease.chosen.lambda);
  const easeAt = fit.parts.findIndex((p) => p.name === "ease");
  const reported = ease.tried.find((t) => t.params.lambda === ease.chosen.lambda)?.ndcg;
  assert.equal(partNdcg(fit.parts[easeAt], users, data.matrix.nCols), reported);
  const tunedAls = fit.models.get("als") as AlsModel;
  assert.equal(tunedAls.params.regularization, als.chosen.regularization);
  assert.match(describeTuning(reports), /^ease lambda [\d.]+ \(best of \d+\); als regularization/);
});

test("parameters given by the caller are not tuned", async () => {
  const given: PartOptions = {
    ...PARTS,
    als: { ...PARTS.als, regularization: 7 },
    ease: { rank: 6, lambda: 3 },
  };
  const fit = await trainParts(["als", "ease"], validationData, given);
  const before = [...fit.parts];
  const { options, reports } = await tuneParts(fit, validationData, users, given);
  assert.equal(options, given);
  assert.deepEqual(reports, []);
  assert.deepEqual(fit.parts, before);
});

test("partNdcg is 1 for a part that ranks each user's held-out items first and 0 for one that never does", () => {
  const nItems = 4;
  const history = { userIndex: -1, items: Int32Array.of(0), values: Float32Array.of(1) };
  const user: ValidationUser = { history, relevant: Int32Array.of(2) };
  // Item rows are one-hot; the query picks item 2 (perfect) or item 3 (never relevant).
  const items = new Float32Array(nItems * nItems);
  for (let i = 0; i < nItems; i++) items[i * nItems + i] = 1;
  const pointing = (target: number) => ({
    name: "external" as const,
    dims: nItems,
    items,
    query: (_h: unknown, out: Float32Array) => {
      out.fill(0);
      out[target] = 1;
    },
  });
  assert.equal(partNdcg(pointing(2), [user], nItems, 1), 1);
  assert.equal(partNdcg(pointing(3), [user], nItems, 1), 0);
});

test("above the nonzero limit ALS keeps its configured parameters and the log says why", async () => {
  const fit = await trainParts(["als"], validationData, PARTS);
  const fitted = fit.models.get("als");
  const { options, reports } = await tuneParts(fit, validationData, users, PARTS, 10);
  assert.equal(reports.length, 1);
  assert.equal(reports[0].tried.length, 1, "only the configured ALS is scored");
  assert.match(reports[0].skipped ?? "", /validation nonzeros > 10/);
  assert.equal(fit.models.get("als"), fitted);
  assert.equal(options.als?.regularization, (fitted as AlsModel).params.regularization);
  assert.match(describeTuning(reports), /\(kept: \d+ validation nonzeros > 10\)$/);
});

test("the λ climb finds the grid's best of a rise-then-fall score without trying the whole grid", () => {
  for (const peak of EASE_LAMBDA_GRID) {
    const tried: number[] = [];
    // Peaks at `peak` in log scale; the midpoints towards its neighbours score lower.
    const lambda = climbLambda((l) => {
      tried.push(l);
      return -Math.abs(Math.log(l / peak));
    });
    assert.equal(lambda, peak);
    assert.ok(tried.length < EASE_LAMBDA_GRID.length + 2, `tried ${tried}`);
  }
  // A score that keeps rising with λ walks to the end of the grid and then halfway back.
  const last = EASE_LAMBDA_GRID[EASE_LAMBDA_GRID.length - 1];
  assert.equal(
    climbLambda((l) => l),
    last,
  );
  // The midpoint wins when it scores best.
  const between = Math.sqrt(400 * 1600);
  assert.equal(
    climbLambda((l) => -Math.abs(Math.log(l / 700))),
    between,
  );
});
