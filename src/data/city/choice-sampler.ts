import type { Random } from "../../math/random.js";
import {
  buildChoiceGroups,
  type ChoiceGroups,
  F_ALIAS,
  F_CUISINES,
  F_INDEX,
  F_KEEP,
  F_PRICE,
  F_QUALITY,
  F_X,
  F_Y,
  RECORD,
} from "./choice-groups.js";
import { GRID_CELLS_PER_SIDE, MAX_PROPOSALS, NO_CUISINE } from "./constants.js";
import { axisGap, CELL_COUNT } from "./geo.js";
import type { CityWorld } from "./world.js";

/**
 * Draws the restaurant a user looks at, exactly with probability ∝ exp(U(u, r)) over the
 * restaurants open at the meal period, in O(1) expected time per draw.
 *
 * Proposal: a (cuisine, cell) group with weight exp(taste_c) · Σ exp(quality) · exp(−d_min/scale),
 * d_min a lower bound on the distance to any point of the cell, then a member ∝ exp(quality) by
 * its alias table; so the proposal bounds every restaurant's true weight from above. Acceptance:
 * true/proposed weight = exp(−price term − (d − d_min)/scale), times max/sum of its cuisines'
 * exp(taste) for a two-cuisine restaurant (it sits in two groups). Rejection makes the draw exact;
 * closed restaurants are never proposed. About 4 proposals per accepted draw.
 */
export class ChoiceSampler {
  /** Utility of the restaurant returned by the last successful `draw` (equals `utilityAt`). */
  lastUtility = Number.NaN;
  /** Proposals made so far, over successful and failed draws: the cost side of acceptance. */
  proposals = 0;
  private readonly world: CityWorld;
  private readonly groups: ChoiceGroups;
  private readonly cuisines: number;
  /** Per prepared user: cumulative proposal weight over cuisines, and over cells within each. */
  private readonly rowCumulative: Float64Array;
  private readonly cellCumulative: Float64Array;
  /** Which session built a cuisine's cell prefix (stamps avoid clearing every session). */
  private readonly rowStamp: Uint32Array;
  private stamp = 0;
  private readonly expTaste: Float64Array;
  private readonly cellDistance = new Float64Array(CELL_COUNT);
  private readonly cellWeight = new Float64Array(CELL_COUNT);
  private readonly gapX = new Float64Array(GRID_CELLS_PER_SIDE);
  private readonly gapY = new Float64Array(GRID_CELLS_PER_SIDE);
  private readonly decayX = new Float64Array(GRID_CELLS_PER_SIDE);
  private readonly decayY = new Float64Array(GRID_CELLS_PER_SIDE);
  private user = -1;
  private x = 0;
  private y = 0;
  private scale = 1;
  private sensitivity = 0;
  private pricePreference = 0;
  private periodBase = 0;
  private total = 0;

  constructor(world: CityWorld, groups: ChoiceGroups = buildChoiceGroups(world)) {
    this.world = world;
    this.groups = groups;
    this.cuisines = world.cuisineCount;
    this.rowCumulative = new Float64Array(this.cuisines);
    this.cellCumulative = new Float64Array(groups.groupsPerPeriod);
    this.rowStamp = new Uint32Array(this.cuisines);
    this.expTaste = new Float64Array(this.cuisines);
  }

  /**
   * Sets up draws for user `u` standing at plane point (x, y) km during meal period `period`.
   * Returns the total proposal weight: 0 when no restaurant is open then (do not draw).
   */
  prepare(u: number, x: number, y: number, period: number): number {
    const users = this.world.users;
    this.user = u;
    this.x = x;
    this.y = y;
    this.scale = users.distanceScale[u];
    this.sensitivity = users.priceSensitivity[u];
    this.pricePreference = users.pricePreference[u];
    this.periodBase = period * this.groups.groupsPerPeriod;
    this.stamp++;
    const scale = this.scale;
    // Bound each cell by its larger axis gap: 2 × 8 exponentials instead of 64, at the price of a
    // slightly looser bound for diagonal cells.
    const side = GRID_CELLS_PER_SIDE;
    for (let i = 0; i < side; i++) {
      this.gapX[i] = axisGap(x, i);
      this.gapY[i] = axisGap(y, i);
      this.decayX[i] = Math.exp(-this.gapX[i] / scale);
      this.decayY[i] = Math.exp(-this.gapY[i] / scale);
    }
    const cellWeight = this.cellWeight;
    for (let cy = 0, cell = 0; cy < side; cy++) {
      for (let cx = 0; cx < side; cx++, cell++) {
        const wide = this.gapX[cx] > this.gapY[cy];
        this.cellDistance[cell] = wide ? this.gapX[cx] : this.gapY[cy];
        cellWeight[cell] = wide ? this.decayX[cx] : this.decayY[cy];
      }
    }
    // Only per-cuisine totals here (dot products, four independent sums for the CPU to overlap);
    // the per-cell prefix sums of a cuisine are built when a draw first lands in it.
    const mass = this.groups.mass;
    const tasteRow = u * this.cuisines;
    let sum = 0;
    for (let c = 0; c < this.cuisines; c++) {
      const et = Math.exp(users.tastes[tasteRow + c]);
      this.expTaste[c] = et;
      const row = this.periodBase + c * CELL_COUNT;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let cell = 0; cell < CELL_COUNT; cell += 4) {
        s0 += mass[row + cell] * cellWeight[cell];
        s1 += mass[row + cell + 1] * cellWeight[cell + 1];
        s2 += mass[row + cell + 2] * cellWeight[cell + 2];
        s3 += mass[row + cell + 3] * cellWeight[cell + 3];
      }
      sum += et * (s0 + s1 + s2 + s3);
      this.rowCumulative[c] = sum;
    }
    this.total = sum;
    return sum;
  }

  /** Offset of cuisine `c`'s cell prefix sums for the prepared user (built once a session). */
  private cellPrefix(c: number): number {
    const at = c * CELL_COUNT;
    if (this.rowStamp[c] !== this.stamp) {
      this.rowStamp[c] = this.stamp;
      const mass = this.groups.mass;
      const cellWeight = this.cellWeight;
      const prefix = this.cellCumulative;
      const row = this.periodBase + at;
      let sum = 0;
      for (let cell = 0; cell < CELL_COUNT; cell++) {
        sum += mass[row + cell] * cellWeight[cell];
        prefix[at + cell] = sum;
      }
    }
    return at;
  }

  /** A restaurant index drawn for the prepared user, or -1 if every proposal was rejected. */
  draw(rng: Random): number {
    const total = this.total;
    if (!(total > 0)) return -1;
    const { groupStart, groupSize, words, ints } = this.groups;
    const rows = this.rowCumulative;
    const prefix = this.cellCumulative;
    const last = this.cuisines - 1;
    for (let attempt = 0; attempt < MAX_PROPOSALS; attempt++) {
      const t = rng.next() * total;
      let c = 0;
      while (c < last && rows[c] <= t) c++;
      const before = c === 0 ? 0 : rows[c - 1];
      const at = this.cellPrefix(c);
      // Reuse the uniform: its position inside the cuisine's share picks the cell.
      const t2 = ((t - before) / (rows[c] - before)) * prefix[at + CELL_COUNT - 1];
      let lo = 0;
      let hi = CELL_COUNT - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (prefix[at + mid] > t2) hi = mid;
        else lo = mid + 1;
      }
      const group = this.periodBase + at + lo;
      const from = groupStart[group];
      const size = groupSize[group];
      // Only floating-point rounding at a boundary can land on an empty group: treat it as a rejection.
      if (size === 0) continue;
      let k = (from + Math.floor(rng.next() * size)) * RECORD;
      if (rng.nextUint32() > words[k + F_KEEP]) k = ints[k + F_ALIAS] * RECORD;
      if (this.accept(k, this.cellDistance[lo], rng)) {
        this.proposals += attempt + 1;
        return ints[k + F_INDEX];
      }
    }
    this.proposals += MAX_PROPOSALS;
    return -1;
  }

  /** Accepts or rejects the proposed record `k`; on acceptance sets `lastUtility`. */
  private accept(k: number, cellDistance: number, rng: Random): boolean {
    const { ints, floats } = this.groups;
    const dx = floats[k + F_X] - this.x;
    const dy = floats[k + F_Y] - this.y;
    const distance = Math.sqrt(dx * dx + dy * dy);
    const priceTerm = this.sensitivity * Math.abs(ints[k + F_PRICE] - this.pricePreference);
    let accept = Math.exp(-priceTerm - (distance - cellDistance) / this.scale);
    const cuisines = ints[k + F_CUISINES];
    const c1 = cuisines >> 8;
    const c2 = cuisines & 255;
    const tasteRow = this.user * this.cuisines;
    let taste = this.world.users.tastes[tasteRow + c1];
    if (c2 !== NO_CUISINE) {
      const e1 = this.expTaste[c1];
      const e2 = this.expTaste[c2];
      accept *= Math.max(e1, e2) / (e1 + e2);
      taste = Math.max(taste, this.world.users.tastes[tasteRow + c2]);
    }
    if (rng.next() >= accept) return false;
    // The same operations in the same order as `utilityAt`, so the value is bit-identical.
    this.lastUtility = taste + floats[k + F_QUALITY] - priceTerm - distance / this.scale;
    return true;
  }
}
