import type { CsrMatrix } from "../../core/csr.js";
import { type SpmmOptions, sharedFloat32, spmm, spmmParallel } from "../../math/spmm.js";
import type { WorkerPool } from "../../math/worker-pool.js";

/** A sparse × dense product, on the calling thread or on a worker pool. */
export type Multiply = (
  a: CsrMatrix,
  x: Float32Array,
  d: number,
  options: SpmmOptions,
) => Promise<Float32Array>;

/** Products on `pool` (operands must be shared), or on the calling thread when pool is null. */
export function multiplyOn(pool: WorkerPool | null): Multiply {
  if (pool === null) return async (a, x, d, options) => spmm(a, x, d, options);
  return (a, x, d, options) => spmmParallel(pool, a, x, d, options);
}

/** The result of `propagate`: the final vectors, and the other buffer, free for reuse. */
export interface Propagated {
  x: Float32Array;
  spare: Float32Array;
}

/**
 * Cleora's propagation: `iterations` times, every node takes the mean of its neighbours' vectors
 * from the previous iteration (X ← D⁻¹AX, all nodes at once), then each vector is L2-normalised.
 * Two shared buffers alternate, and the normalisation runs inside the product (row epilogue), so
 * an iteration is one parallel pass with no extra sweep over memory. `initial` (nodes × d, shared
 * when a pool multiplies) becomes one of the two buffers.
 */
export async function propagate(
  adjacency: CsrMatrix,
  initial: Float32Array,
  d: number,
  iterations: number,
  multiply: Multiply,
  onIteration?: (iteration: number, seconds: number) => void,
): Promise<Propagated> {
  let x = initial;
  let next: Float32Array = sharedFloat32(initial.length);
  for (let t = 1; t <= iterations; t++) {
    const started = performance.now();
    await multiply(adjacency, x, d, { out: next, normalizeRows: true });
    onIteration?.(t, (performance.now() - started) / 1000);
    [x, next] = [next, x];
  }
  return { x, spare: next };
}
