import { accumulateGramTiles } from "../../math/dense.js";
import { type CgScratch, createCgScratch, solveRowRange } from "./cg-solver.js";

/*
 * The units of parallel ALS work, run by a worker thread (als-worker.ts) or on the calling thread
 * alike. Arguments carry SharedArrayBuffers, so every thread works on the same memory and only
 * ranges are sent.
 */

/** Accumulate tile rows [tileStart, tileEnd) of XᵀX into `out` (k × k float64). */
export interface GramTask {
  factors: SharedArrayBuffer;
  nRows: number;
  k: number;
  tileStart: number;
  tileEnd: number;
  out: SharedArrayBuffer;
}

/** Solve rows [start, end) of `target` against the fixed `other` factors (see RowSystems). */
export interface SolveTask {
  target: SharedArrayBuffer;
  other: SharedArrayBuffer;
  k: number;
  indptr: SharedArrayBuffer;
  indices: SharedArrayBuffer;
  values: SharedArrayBuffer;
  alpha: number;
  confidenceBase: number;
  gramReg: SharedArrayBuffer;
  cgSteps: number;
  start: number;
  end: number;
}

/** The tasks by handler name. */
export interface AlsTasks {
  gram: GramTask;
  solve: SolveTask;
}

/** Computes a Gram task's tiles. */
export function runGramTask(t: GramTask): void {
  accumulateGramTiles(
    new Float32Array(t.factors),
    t.nRows,
    t.k,
    t.tileStart,
    t.tileEnd,
    new Float64Array(t.out),
  );
}

let scratch: CgScratch | null = null;

/** Runs a solve task, reusing this thread's work buffers. */
export function runSolveTask(t: SolveTask): void {
  if (scratch === null || scratch.k !== t.k) scratch = createCgScratch(t.k);
  solveRowRange(
    {
      target: new Float32Array(t.target),
      other: new Float32Array(t.other),
      k: t.k,
      indptr: new Int32Array(t.indptr),
      indices: new Int32Array(t.indices),
      values: new Float32Array(t.values),
      alpha: t.alpha,
      confidenceBase: t.confidenceBase,
      gramReg: new Float64Array(t.gramReg),
      cgSteps: t.cgSteps,
    },
    t.start,
    t.end,
    scratch,
  );
}

/** The handlers by name, as the worker serves them. */
export const ALS_HANDLERS: { [H in keyof AlsTasks]: (task: AlsTasks[H]) => void } = {
  gram: runGramTask,
  solve: runSolveTask,
};
