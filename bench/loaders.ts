import { once } from "node:events";
import { createWriteStream, existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCsvBatches } from "../src/data/csv-reader.js";
import { type DataSource, loadDataset } from "../src/data/load-dataset.js";
import { Random } from "../src/math/random.js";
import { type BenchRow, median } from "./report.js";

/** Times `run` (which returns how many rows it read) `runs` times after one warm-up. */
async function measure(name: string, runs: number, run: () => Promise<number>): Promise<BenchRow> {
  let rows = await run();
  const seconds: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    rows = await run();
    seconds.push((performance.now() - start) / 1000);
  }
  const s = median(seconds);
  return { case: name, rows, median_s: s, rows_per_s: Math.round(rows / s) };
}

async function countCsvRecords(path: string): Promise<number> {
  let n = 0;
  for await (const batch of readCsvBatches(path)) n += batch.length;
  return n;
}

async function loadRows(source: DataSource): Promise<number> {
  const { dataset } = await loadDataset(source);
  return Object.values(dataset.report.rowsBySource).reduce((a, b) => a + b, 0);
}

/**
 * Writes `rows` city-like interactions (user_id,item_id,timestamp,type) to `path`, written in
 * large blocks so generating 5M rows takes seconds, not the benchmark's time.
 */
async function writeSyntheticInteractions(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const random = new Random(42);
  const types = ["view", "view", "view", "click", "click", "booking"];
  let block = "user_id,item_id,timestamp,type\n";
  for (let i = 0; i < rows; i++) {
    const user = random.nextUint32() % 200_000;
    // Squaring a uniform draw skews popularity towards low item numbers, like real catalogues.
    const item = Math.floor(random.next() ** 2 * 50_000);
    block += `u${user},r${item},${1_700_000_000 + i},${types[random.nextUint32() % types.length]}\n`;
    if (block.length > 1 << 20) {
      if (!out.write(block)) await once(out, "drain");
      block = "";
    }
  }
  out.end(block);
  await once(out, "finish");
}

/**
 * Loader throughput in rows/s (median of `runs`): the raw CSV reader and the full loads of
 * MovieLens and restaurant-consumer from `dataDir` (skipped when absent), and the generic loader
 * on a synthetic interactions file of `syntheticRows` rows written to (and removed from) tmpdir.
 */
export async function benchLoaders(
  dataDir: string,
  runs = 5,
  syntheticRows = 5_000_000,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const movielens = join(dataDir, "movielens-latest-small");
  const restaurants = join(dataDir, "restaurant-consumer");
  if (existsSync(movielens)) {
    const ratings = join(movielens, "ratings.csv");
    rows.push(await measure("csv reader: ml-latest-small ratings.csv", runs, () => countCsvRecords(ratings)));
    rows.push(
      await measure("load movielens (ml-latest-small)", runs, () =>
        loadRows({ kind: "dataset", name: "movielens", path: movielens }),
      ),
    );
  }
  if (existsSync(restaurants)) {
    rows.push(
      await measure("load restaurant-consumer", runs, () =>
        loadRows({ kind: "dataset", name: "restaurant-consumer", path: restaurants }),
      ),
    );
  }
  const dir = await mkdtemp(join(tmpdir(), "palate-bench-"));
  try {
    const path = join(dir, "interactions.csv");
    await writeSyntheticInteractions(path, syntheticRows);
    const label = `${(syntheticRows / 1e6).toLocaleString("en-US")}M synthetic interactions`;
    rows.push(await measure(`csv reader: ${label}`, runs, () => countCsvRecords(path)));
    rows.push(
      await measure(`generic loader: ${label}`, runs, () => loadRows({ kind: "files", interactions: path })),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
