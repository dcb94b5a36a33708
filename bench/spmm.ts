// Sparse × dense product: Palate's kernels (1 and 2 threads) against scipy.sparse on one core,
// on the same matrix in the same run. Run: node --import tsx bench/spmm.ts [--rows N --cols N
// --nnz N --d N --runs N]. The scipy side needs /usr/bin/python3 with scipy (python3-scipy).
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { buildCsr, type CsrMatrix } from "../src/core/csr.js";
import { Random } from "../src/math/random.js";
import {
  createSpmmPool,
  type SpmmKernelName,
  shareCsr,
  sharedFloat32,
  spmmParallel,
} from "../src/math/spmm.js";
import { type BenchRow, median, printBench } from "./report.js";

/** Sizes of the benchmark; the defaults are the 1M × 100k, 10M nonzeros, d = 64. */
export interface SpmmBenchOptions {
  rows?: number;
  cols?: number;
  nnz?: number;
  d?: number;
  runs?: number;
  python?: string;
}

/**
 * A random CSR matrix: rows uniform, columns power-law (density ∝ rank^-2/3, so the top 10% of
 * columns hold ≈ 46% of entries) and shuffled, so popular columns are not neighbours in memory.
 */
export function powerLawCsr(nRows: number, nCols: number, nnz: number, seed: number): CsrMatrix {
  const rng = new Random(seed);
  const perm = rng.shuffle(Int32Array.from({ length: nCols }, (_, i) => i));
  const rows = new Int32Array(nnz);
  const cols = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let e = 0; e < nnz; e++) {
    rows[e] = rng.int(nRows);
    cols[e] = perm[Math.floor(nCols * rng.next() ** 3)];
    values[e] = 0.5 + rng.next();
  }
  return buildCsr({ length: nnz, rows, cols, values }, nRows, nCols);
}

// A persistent scipy process: each "run" line times one product; "check" prints a checksum.
const SCIPY_SCRIPT = `
import sys, time, numpy as np, scipy.sparse as sp
d, rows, cols, base = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
load = lambda name, t: np.fromfile(base + "/" + name, dtype=t)
a = sp.csr_matrix((load("values.f32", np.float32), load("indices.i32", np.int32), load("indptr.i32", np.int32)), shape=(rows, cols))
x = load("x.f32", np.float32).reshape(cols, d)
y = None
print("ready", flush=True)
for line in sys.stdin:
    if line.startswith("run"):
        t = time.perf_counter(); y = a @ x; print(time.perf_counter() - t, flush=True)
    elif line.startswith("check"):
        print(float(y[::997].astype(np.float64).sum()), flush=True)
`;

/** Talks to the scipy child line by line, so its runs can interleave with ours. */
async function startScipy(python: string, dir: string, m: CsrMatrix, d: number) {
  const child = spawn(python, ["-c", SCIPY_SCRIPT, String(d), String(m.nRows), String(m.nCols), dir], {
    env: { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${python} exited before answering (is python3-scipy installed?)`);
    return String(value);
  };
  try {
    if ((await next()) !== "ready") throw new Error("scipy child did not start");
  } catch (error) {
    child.kill();
    throw error;
  }
  return {
    run: async () => {
      child.stdin.write("run\n");
      return Number(await next());
    },
    check: async () => {
      child.stdin.write("check\n");
      return Number(await next());
    },
    close: () => child.stdin.end(),
  };
}

/** Σ of every 997th row of a rows × d result, in float64 (compared against scipy's). */
function checksum(y: Float32Array, nRows: number, d: number): number {
  let sum = 0;
  for (let r = 0; r < nRows; r += 997) for (let j = 0; j < d; j++) sum += y[r * d + j];
  return sum;
}

/** Runs the comparison and returns one row per variant (medians of `runs`). */
export async function spmmBench(options: SpmmBenchOptions = {}): Promise<BenchRow[]> {
  const { rows = 1_000_000, cols = 100_000, nnz = 10_000_000, d = 64, runs = 5 } = options;
  const python = options.python ?? "/usr/bin/python3";
  const m = shareCsr(powerLawCsr(rows, cols, nnz, 1));
  const rng = new Random(2);
  // Filled in place: TypedArray.map would return an unshared copy.
  const x = sharedFloat32(cols * d);
  for (let i = 0; i < x.length; i++) x[i] = rng.next() * 2 - 1;
  const out = sharedFloat32(rows * d);
  const rowScale = sharedFloat32(rows);
  for (let r = 0; r < rows; r++) rowScale[r] = 1 / Math.max(1, m.indptr[r + 1] - m.indptr[r]);
  const dir = await mkdtemp(join(tmpdir(), "palate-spmm-"));
  const pools = new Map([1, 2].map((t) => [t, createSpmmPool(t)]));
  const flops = 2 * m.indices.length * d;
  const rowsOut: BenchRow[] = [];
  let scipy: Awaited<ReturnType<typeof startScipy>> | undefined;
  try {
    await writeFile(join(dir, "indptr.i32"), m.indptr);
    await writeFile(join(dir, "indices.i32"), m.indices);
    await writeFile(join(dir, "values.f32"), m.values);
    await writeFile(join(dir, "x.f32"), x);
    scipy = await startScipy(python, dir, m, d);
    const scipyTimes: number[] = [];
    const variants: Array<{ kernel: SpmmKernelName; threads: number; scaled: boolean }> = [
      { kernel: "unroll8", threads: 2, scaled: false },
      { kernel: "unroll8", threads: 2, scaled: true },
      { kernel: "unroll16", threads: 2, scaled: false },
      { kernel: "axpy8", threads: 2, scaled: false },
      { kernel: "unroll8", threads: 1, scaled: false },
    ];
    const times = variants.map(() => [] as number[]);
    // Interleaved rounds (scipy, then each variant) so load from other users hits all alike.
    // Round 0 is a warm-up (JIT in the workers, page faults on first touch) and is not kept.
    for (let round = -1; round < runs; round++) {
      const scipySeconds = await scipy.run();
      if (round >= 0) scipyTimes.push(scipySeconds);
      for (const [v, variant] of variants.entries()) {
        const pool = pools.get(variant.threads)!;
        const t0 = performance.now();
        await spmmParallel(pool, m, x, d, {
          out,
          kernel: variant.kernel,
          rowScale: variant.scaled ? rowScale : undefined,
        });
        if (round >= 0) times[v].push((performance.now() - t0) / 1000);
      }
    }
    await spmmParallel(pools.get(2)!, m, x, d, { out });
    const scipySum = await scipy.check();
    const ours = checksum(out, rows, d);
    const scipyMedian = median(scipyTimes);
    rowsOut.push({
      variant: "scipy.sparse (1 core)",
      threads: 1,
      seconds: scipyMedian,
      gflops: flops / scipyMedian / 1e9,
      timeVsScipy: 1,
    });
    for (const [v, variant] of variants.entries()) {
      const s = median(times[v]);
      rowsOut.push({
        variant: `palate ${variant.kernel}${variant.scaled ? " + row scale" : ""}`,
        threads: variant.threads,
        seconds: s,
        gflops: flops / s / 1e9,
        timeVsScipy: s / scipyMedian,
      });
    }
    const agree = Math.abs(ours - scipySum) <= 1e-3 * Math.max(1, Math.abs(scipySum));
    if (!agree) throw new Error(`results differ from scipy: checksum ${ours} vs ${scipySum}`);
    return rowsOut;
  } finally {
    scipy?.close();
    await Promise.all([...pools.values()].map((p) => p.close()));
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      rows: { type: "string" },
      cols: { type: "string" },
      nnz: { type: "string" },
      d: { type: "string" },
      runs: { type: "string" },
    },
  });
  const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
  const options = {
    rows: num(values.rows),
    cols: num(values.cols),
    nnz: num(values.nnz),
    d: num(values.d),
    runs: num(values.runs),
  };
  const rows = await spmmBench(options);
  printBench("spmm", rows, {
    note: "medians of interleaved runs on a shared, noisy 2-core machine",
    ...options,
  });
}
