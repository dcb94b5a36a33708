import { type CsrMatrix, transposeCsr } from "../../core/csr.js";
import { mirrorUpper, splitGramTiles } from "../../math/dense.js";
import { Random } from "../../math/random.js";
import { splitByNonzeros } from "../../math/worker-pool.js";
import type { AlsExecutor } from "./als-executor.js";
import { implicitAlsLoss } from "./als-loss.js";
import type { AlsParams } from "./als-params.js";

/** Progress of one training iteration. */
export interface AlsIterationInfo {
  /** 1-based. */
  iteration: number;
  /** Wall time of the iteration (both half-iterations). */
  seconds: number;
  /** Process CPU time during the iteration, all threads (wall time on a busy machine overstates). */
  cpuSeconds: number;
  /** The training loss after it, when loss tracking is on. */
  loss?: number;
}

/** Observers of a training run (none changes the result). */
export interface AlsTrainingHooks {
  /** Compute the full loss after each iteration (an extra pass over the data). */
  trackLoss?: boolean;
  onIteration?: (info: AlsIterationInfo) => void;
}

/** Trained factor matrices, row-major float32. */
export interface AlsFactors {
  userFactors: Float32Array;
  itemFactors: Float32Array;
}

/** A CSR matrix copied into shared memory, with the per-row cost prefix used to split threads. */
interface SharedCsr {
  nRows: number;
  indptr: SharedArrayBuffer;
  indices: SharedArrayBuffer;
  values: SharedArrayBuffer;
  cost: Int32Array;
}

function sharedCopy(a: Int32Array | Float32Array): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(a.byteLength);
  new Uint8Array(sab).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return sab;
}

/**
 * Threads get rows in proportion to their cost: nonzeros plus, per row, the k×k dense work
 * (4 products with YᵀY of 2k² flops against 16k flops per nonzero, i.e. k/2 nonzeros' worth).
 */
function shareCsr(m: CsrMatrix, k: number): SharedCsr {
  const perRow = Math.ceil(k / 2);
  const total = m.indptr[m.nRows] + m.nRows * perRow;
  let cost = m.indptr;
  if (total < 2 ** 31) {
    cost = new Int32Array(m.nRows + 1);
    for (let r = 0; r <= m.nRows; r++) cost[r] = m.indptr[r] + r * perRow;
  }
  return {
    nRows: m.nRows,
    indptr: sharedCopy(m.indptr),
    indices: sharedCopy(m.indices),
    values: sharedCopy(m.values),
    cost,
  };
}

/** Small positive initial factors, uniform in [0, 0.1/√k), filled users first then items. */
function initialFactors(rng: Random, n: number, k: number): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(n * k * 4);
  const f = new Float32Array(sab);
  const scale = 0.1 / Math.sqrt(k);
  for (let i = 0; i < f.length; i++) f[i] = rng.next() * scale;
  return sab;
}

/**
 * Trains implicit ALS (Hu, Koren & Volinsky 2008) with CG row solves (Takács et al. 2011):
 * each iteration solves every user against fixed items, then every item against fixed users.
 * Deterministic for a seed, and identical for any thread count: the Gram matrix is split by
 * output tiles and each row's solve depends only on its own data.
 */
export async function trainAls(
  matrix: CsrMatrix,
  params: AlsParams,
  executor: AlsExecutor,
  hooks: AlsTrainingHooks = {},
): Promise<AlsFactors> {
  const k = params.factors;
  const rng = new Random(params.seed);
  const users = initialFactors(rng, matrix.nRows, k);
  const items = initialFactors(rng, matrix.nCols, k);
  const byUser = shareCsr(matrix, k);
  const byItem = shareCsr(transposeCsr(matrix), k);
  const gram = new SharedArrayBuffer(k * k * 8);
  const gramView = new Float64Array(gram);

  const half = async (
    target: SharedArrayBuffer,
    other: SharedArrayBuffer,
    nOther: number,
    csr: SharedCsr,
  ) => {
    gramView.fill(0);
    const tiles = splitGramTiles(k, executor.threads);
    await executor.run(
      "gram",
      tiles.map(([tileStart, tileEnd]) => ({
        factors: other,
        nRows: nOther,
        k,
        tileStart,
        tileEnd,
        out: gram,
      })),
    );
    mirrorUpper(gramView, k);
    for (let a = 0; a < k; a++) gramView[a * k + a] += params.regularization;
    const ranges = splitByNonzeros(csr.cost, executor.threads);
    await executor.run(
      "solve",
      ranges.map(([start, end]) => ({
        target,
        other,
        k,
        indptr: csr.indptr,
        indices: csr.indices,
        values: csr.values,
        alpha: params.alpha,
        confidenceBase: params.confidenceBase,
        gramReg: gram,
        cgSteps: params.cgSteps,
        start,
        end,
      })),
    );
  };

  for (let it = 1; it <= params.iterations; it++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    await half(users, items, matrix.nCols, byUser);
    await half(items, users, matrix.nRows, byItem);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (hooks.onIteration || hooks.trackLoss) {
      const loss = hooks.trackLoss
        ? implicitAlsLoss(
            matrix,
            new Float32Array(users),
            new Float32Array(items),
            k,
            params,
            params.regularization,
          )
        : undefined;
      hooks.onIteration?.({ iteration: it, seconds, cpuSeconds, loss });
    }
  }
  // Plain copies: the shared buffers are released, and artifacts and views see ordinary memory.
  return { userFactors: new Float32Array(users).slice(), itemFactors: new Float32Array(items).slice() };
}
