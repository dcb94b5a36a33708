// `npm run bench:data`: loader speed on the real datasets and generator speed and memory at scale.
// Flags: --quick (a 200k-user city instead of the full 2M/100k/50M one), --runs N, --skip-generator.
import { resolve } from "node:path";
import { benchGenerator } from "./generator.js";
import { benchLoaders } from "./loaders.js";
import { printBench } from "./report.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 5;
const dataDir = resolve(process.env["PALATE_DATA_DIR"] ?? "../shared/data");

printBench("loaders (rows/s, median of runs)", await benchLoaders(dataDir, runs), { dataDir, runs });

if (!args.includes("--skip-generator")) {
  // The scale: 2M users × 100k restaurants × ≈50M events (30 days at the default activity).
  const params = quick
    ? { users: 200_000, restaurants: 10_000, days: 30, seed: 42 }
    : { users: 2_000_000, restaurants: 100_000, days: 30, seed: 42 };
  printBench("simulated city generator", await benchGenerator(params), { params });
}
