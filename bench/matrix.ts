// `npm run bench:matrix`: builds the in-memory form of 50 million interactions (columnar table,
// then the CSR user × item matrix) and reports time and peak memory, the foundation's capacity bar.
// Flags: --rows N (default 50,000,000), --users N (2,000,000), --items N (100,000).
import { buildCsr } from "../src/core/csr.js";
import { InteractionTableBuilder } from "../src/core/interaction-table.js";
import { Random } from "../src/math/random.js";
import { printBench } from "./report.js";

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const rows = flag("rows", 50_000_000);
const users = flag("users", 2_000_000);
const items = flag("items", 100_000);
const rng = new Random(42);
const started = performance.now();
const builder = new InteractionTableBuilder(1024);
const types = ["view", "click", "booking"];
for (let r = 0; r < rows; r++) {
  // Items skewed towards low indices (popular items), users uniform.
  const item = Math.floor(items * rng.next() ** 3);
  builder.push(rng.int(users), item, 1, 1_767_225_600 + r, types[r % 3]);
}
const table = builder.finish();
const built = performance.now();
const csr = buildCsr(
  {
    length: table.length,
    rows: table.userIndex,
    cols: table.itemIndex,
    values: table.weight,
    timestamps: table.timestamp,
  },
  users,
  items,
);
const done = performance.now();
printBench("in-memory interactions", [
  {
    rows,
    users,
    items,
    table_s: (built - started) / 1000,
    csr_s: (done - built) / 1000,
    csr_nnz: csr.indices.length,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  },
]);
