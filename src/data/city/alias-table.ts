import type { Random } from "../../math/random.js";

/**
 * Walker's alias method (Vose's stable construction): O(n) to build, O(1) to draw an index with
 * probability proportional to its weight. Segments of one flat buffer can each hold a table, so
 * thousands of small tables cost no objects.
 */

/**
 * Fills `prob[from..to)` and `alias[from..to)` with the alias table of `weights[from..to)`; alias
 * entries are indices local to the segment. `small` and `large` are scratch of at least `to - from`.
 * A segment whose weights sum to 0 gets a uniform table (callers never draw from it).
 */
export function fillAliasSegment(
  weights: ArrayLike<number>,
  from: number,
  to: number,
  prob: Float64Array,
  alias: Int32Array,
  small: Int32Array,
  large: Int32Array,
): void {
  const n = to - from;
  let total = 0;
  for (let i = from; i < to; i++) total += weights[i];
  let ns = 0;
  let nl = 0;
  for (let i = 0; i < n; i++) {
    const p = total > 0 ? (weights[from + i] * n) / total : 1;
    prob[from + i] = p;
    if (p < 1) small[ns++] = i;
    else large[nl++] = i;
  }
  while (ns > 0 && nl > 0) {
    const s = small[--ns];
    const l = large[nl - 1];
    alias[from + s] = l;
    const rest = prob[from + l] + prob[from + s] - 1;
    prob[from + l] = rest;
    if (rest < 1) {
      nl--;
      small[ns++] = l;
    }
  }
  // Leftovers are 1 up to rounding: they always keep their own index.
  while (nl > 0) {
    const l = large[--nl];
    prob[from + l] = 1;
    alias[from + l] = l;
  }
  while (ns > 0) {
    const s = small[--ns];
    prob[from + s] = 1;
    alias[from + s] = s;
  }
}

/** Draws a local index from the segment table at `[from, from + n)`. */
export function drawAliasSegment(
  prob: Float64Array,
  alias: Int32Array,
  from: number,
  n: number,
  rng: Random,
): number {
  const i = Math.floor(rng.next() * n);
  return rng.next() < prob[from + i] ? i : alias[from + i];
}

/** A single alias table over `weights.length` outcomes. */
export class AliasTable {
  readonly size: number;
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    this.size = weights.length;
    this.prob = new Float64Array(this.size);
    this.alias = new Int32Array(this.size);
    const small = new Int32Array(this.size);
    const large = new Int32Array(this.size);
    fillAliasSegment(weights, 0, this.size, this.prob, this.alias, small, large);
  }

  /** An index drawn with probability proportional to its weight. */
  draw(rng: Random): number {
    return drawAliasSegment(this.prob, this.alias, 0, this.size, rng);
  }
}
