// `npm run bench:context`: does the per-context popularity prior (location cell × meal period)
// beat global popularity at predicting a user's next visit in its context, on the simulated city?
//
// Temporal split: events before the 80% time quantile train; each user's test case is their first
// booking after the cut of a restaurant they had not met in training, in the context of that
// booking (their home's cell, the meal period of its time). Every ranker leaves out the user's
// training items; "+ filters" also keeps only restaurants open at the period and within the
// radius of home, as serving's candidate filters do. Metrics: hit rate@10 and nDCG@10 (one
// relevant item per case).
//
// Flags: --users 20000 --restaurants 1000 --days 28 --seed 42 --radius 5 --cut 0.8 [--path CITY]
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCsr } from "../src/core/csr.js";
import type { InteractionTable } from "../src/core/interaction-table.js";
import { generateCity } from "../src/data/city/generate.js";
import { periodAt } from "../src/data/city/meal-time.js";
import { loadDataset } from "../src/data/load-dataset.js";
import { HybridModel } from "../src/models/hybrid/hybrid-model.js";
import { historyOf } from "../src/models/hybrid/validation-users.js";
import type { ContextPrior } from "../src/models/popularity/context-prior.js";
import { PopularityModel } from "../src/models/popularity/popularity-model.js";
import { trainingDataOf } from "../src/models/training-data.js";
import { ContextPopularity } from "../src/recommend/context-popularity.js";
import { distanceKm } from "../src/recommend/geo.js";
import { openMaskOf } from "../src/recommend/item-catalog.js";
import { type BenchRow, printBench } from "./report.js";

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}
const pathAt = process.argv.indexOf("--path");
const params = {
  users: flag("users", 20_000),
  restaurants: flag("restaurants", 1_000),
  days: flag("days", 28),
  seed: flag("seed", 42),
};
const radiusKm = flag("radius", 5);
const cutQuantile = flag("cut", 0.8);
const K = 10;

const cityDir =
  pathAt >= 0
    ? process.argv[pathAt + 1]
    : join(tmpdir(), `palate-bench-city-${params.users}-${params.restaurants}-${params.days}-${params.seed}`);
if (pathAt < 0 && !existsSync(join(cityDir, "city.json"))) await generateCity(params, cityDir);
const { dataset } = await loadDataset({ kind: "dataset", name: "city", path: cityDir });
const t = dataset.interactions;
const nUsers = dataset.users.size;
const nItems = dataset.items.size;

// The cut: the time quantile; training sees only events strictly before it.
const times = Float64Array.from(t.timestamp).sort();
const cut = times[Math.floor(times.length * cutQuantile)];
const trainRows: number[] = [];
for (let e = 0; e < t.length; e++) if (t.timestamp[e] < cut) trainRows.push(e);
const pick = <A extends Int32Array | Float32Array | Float64Array | Uint16Array>(a: A) =>
  a.constructor === Int32Array
    ? Int32Array.from(trainRows, (e) => a[e])
    : a.constructor === Float32Array
      ? Float32Array.from(trainRows, (e) => a[e])
      : a.constructor === Float64Array
        ? Float64Array.from(trainRows, (e) => a[e])
        : Uint16Array.from(trainRows, (e) => a[e]);
const trainTable: InteractionTable = {
  length: trainRows.length,
  userIndex: pick(t.userIndex) as Int32Array,
  itemIndex: pick(t.itemIndex) as Int32Array,
  weight: pick(t.weight) as Float32Array,
  timestamp: pick(t.timestamp) as Float64Array,
  typeCode: pick(t.typeCode) as Uint16Array,
  types: t.types,
};
const matrix = buildCsr(
  {
    length: trainTable.length,
    rows: trainTable.userIndex,
    cols: trainTable.itemIndex,
    values: trainTable.weight,
    timestamps: trainTable.timestamp,
  },
  nUsers,
  nItems,
);
const data = { ...trainingDataOf(dataset, matrix), interactions: trainTable };

// Test cases: each user's first post-cut booking of a restaurant new to them.
const booking = t.types.indexOf("booking");
const cases: { user: number; item: number; lat: number; lon: number; period: number }[] = [];
const caseTime = new Float64Array(nUsers).fill(Number.POSITIVE_INFINITY);
const caseAt = new Int32Array(nUsers).fill(-1);
for (let e = 0; e < t.length; e++) {
  const u = t.userIndex[e];
  const i = t.itemIndex[e];
  if (t.timestamp[e] < cut || t.typeCode[e] !== booking || t.timestamp[e] >= caseTime[u]) continue;
  const row = matrix.indices.subarray(matrix.indptr[u], matrix.indptr[u + 1]);
  if (row.includes(i)) continue;
  caseTime[u] = t.timestamp[e];
  caseAt[u] = e;
}
for (let u = 0; u < nUsers; u++) {
  const e = caseAt[u];
  const home = dataset.userMeta[u]?.attributes;
  if (e < 0 || typeof home?.home_lat !== "number" || typeof home.home_lon !== "number") continue;
  cases.push({
    user: u,
    item: t.itemIndex[e],
    lat: home.home_lat,
    lon: home.home_lon,
    period: periodAt(t.timestamp[e]),
  });
}

const fitStarted = performance.now();
const global = new PopularityModel({ context: false });
await global.fit(data);
const globalSeconds = (performance.now() - fitStarted) / 1000;
const priors: { name: string; prior: ContextPrior; seconds: number }[] = [];
for (const strength of ["auto", 0, 1000] as const) {
  const started = performance.now();
  const model = new PopularityModel({ context: { strength } });
  await model.fit(data);
  const prior = model.contextPrior;
  if (!prior) throw new Error("the city has homes and times: a prior was expected");
  priors.push({
    name: `context prior (β ${strength === "auto" ? `auto = ${prior.strength}` : strength})`,
    prior,
    seconds: (performance.now() - started) / 1000,
  });
}

const openMask = Array.from({ length: nItems }, (_, i) => openMaskOf(dataset.itemMeta[i]));
const globalOrder = Int32Array.from(global.itemScores.keys()).sort(
  (a, b) => global.itemScores[b] - global.itemScores[a] || a - b,
);

/** Rank (0-based) of the case's item among the first K accepted items of `order`, or -1. */
function rankOf(order: Int32Array, c: (typeof cases)[number], filtered: boolean): number {
  const seen = matrix.indices.subarray(matrix.indptr[c.user], matrix.indptr[c.user + 1]);
  let r = 0;
  for (const item of order) {
    if (r >= K) break;
    if (seen.includes(item)) continue;
    if (filtered) {
      if ((openMask[item] & (1 << c.period)) === 0) continue;
      const meta = dataset.itemMeta[item];
      if (meta?.lat === undefined || meta.lon === undefined) continue;
      if (distanceKm(c.lat, c.lon, meta.lat, meta.lon) > radiusKm) continue;
    }
    if (item === c.item) return r;
    r++;
  }
  return -1;
}

type Case = (typeof cases)[number];
/** A ranker: every item in its order for a case, and the seconds its model took to fit. */
interface Ranker {
  name: string;
  orderFor: (c: Case) => Int32Array;
  seconds: number;
  /** Only cases of users with at most this many training items (cold users). */
  maxHistory?: number;
}
const rankers: Ranker[] = [
  { name: "global popularity", orderFor: () => globalOrder, seconds: globalSeconds },
  ...priors.map(({ name, prior, seconds }) => {
    const cache = new Map<number, Int32Array>();
    return {
      name,
      seconds,
      orderFor: (c: Case) => {
        const row = prior.lookup({ lat: c.lat, lon: c.lon, period: c.period });
        let order = cache.get(row);
        if (!order) {
          order = prior.order(row);
          cache.set(row, order);
        }
        return order;
      },
    };
  }),
];

// The hybrid, its popularity component global or in the case's context, on every user and on
// cold users (≤ 5 training items, the hybrid's cold bucket).
const hybridStarted = performance.now();
const hybrid = new HybridModel({ als: { threads: 1 }, cleora: { threads: 1 } });
await hybrid.fit(data);
const hybridSeconds = (performance.now() - hybridStarted) / 1000;
const view = ContextPopularity.of(hybrid);
if (!view) throw new Error("the hybrid was expected to carry the context prior");
const inContext: ContextPopularity = view;
const { matrix: x, dims } = hybrid.itemVectors;
function hybridOrder(c: Case, context: boolean): Int32Array {
  const q = hybrid.queryFor(historyOf(matrix, c.user, dataset.userMeta[c.user]));
  const row = context ? inContext.rowFor({ lat: c.lat, lon: c.lon, period: c.period }) : -1;
  const scores = new Float32Array(nItems);
  for (let i = 0; i < nItems; i++) {
    let s = 0;
    for (let j = 0; j < dims; j++) s += q[j] * x[i * dims + j];
    scores[i] = s + (row >= 0 ? inContext.shift(q, row, i) : 0);
  }
  return Int32Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
}
for (const maxHistory of [undefined, 5]) {
  const who = maxHistory === undefined ? "" : `, cold users (≤ ${maxHistory})`;
  rankers.push(
    { name: `hybrid${who}`, orderFor: (c) => hybridOrder(c, false), seconds: hybridSeconds, maxHistory },
    {
      name: `hybrid + context popularity${who}`,
      orderFor: (c) => hybridOrder(c, true),
      seconds: hybridSeconds,
      maxHistory,
    },
  );
}

const rows: BenchRow[] = [];
for (const filtered of [false, true]) {
  for (const ranker of rankers) {
    let hits = 0;
    let ndcg = 0;
    let n = 0;
    for (const c of cases) {
      if (
        ranker.maxHistory !== undefined &&
        matrix.indptr[c.user + 1] - matrix.indptr[c.user] > ranker.maxHistory
      )
        continue;
      n++;
      const r = rankOf(ranker.orderFor(c), c, filtered);
      if (r >= 0) {
        hits++;
        ndcg += 1 / Math.log2(r + 2);
      }
    }
    rows.push({
      ranker: ranker.name + (filtered ? " + filters" : ""),
      cases: n,
      "hit@10": hits / n,
      "ndcg@10": ndcg / n,
      "fit s": Number(ranker.seconds.toFixed(2)),
    });
  }
}
printBench("context-popularity", rows, {
  city: params,
  cityDir,
  radiusKm,
  trainEvents: trainTable.length,
  testCases: cases.length,
  contexts: priors[0].prior.contextCount,
  strength: priors[0].prior.strength,
});
