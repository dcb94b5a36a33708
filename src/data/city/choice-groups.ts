import { fillAliasSegment } from "./alias-table.js";
import { MEAL_PERIODS, NO_CUISINE } from "./constants.js";
import { CELL_COUNT, cellOf } from "./geo.js";
import type { CityWorld } from "./world.js";

/**
 * Restaurants grouped by (meal period, cuisine, grid cell) for the choice sampler, each group an
 * alias table over exp(quality). A group entry is one 32-byte record holding its alias slot and a
 * copy of what acceptance needs, so a proposal reads one or two cache lines of a compact block
 * instead of a dozen scattered arrays.
 */
export interface ChoiceGroups {
  /** Groups of one meal period: cuisines × cells; group = period·this + cuisine·CELL_COUNT + cell. */
  readonly groupsPerPeriod: number;
  /** Entries of group g are records groupStart[g] .. groupStart[g] + groupSize[g] - 1. */
  readonly groupStart: Int32Array;
  readonly groupSize: Int32Array;
  /** Σ exp(quality) per group. */
  readonly mass: Float64Array;
  /** Three views of the same record memory: read each field through the view of its type. */
  readonly words: Uint32Array;
  readonly ints: Int32Array;
  readonly floats: Float32Array;
}

/** 32-bit words per entry record, and the field offsets inside one. */
export const RECORD = 8;
/** (uint) Keep this entry when a uniform 32-bit draw is ≤ this; otherwise take its alias. */
export const F_KEEP = 0;
/** (int) The entry (global record number) taken otherwise. */
export const F_ALIAS = 1;
/** (float) Position, km. */
export const F_X = 2;
export const F_Y = 3;
/** (int) Price level. */
export const F_PRICE = 4;
/** (int) The restaurant index. */
export const F_INDEX = 5;
/** (int) Primary cuisine · 256 + second cuisine (NO_CUISINE when none). */
export const F_CUISINES = 6;
/** (float) Quality. */
export const F_QUALITY = 7;

/** Builds the groups of a world's restaurants (closed periods leave a restaurant out). */
export function buildChoiceGroups(world: CityWorld): ChoiceGroups {
  const rs = world.restaurants;
  const cuisines = world.cuisineCount;
  const groupsPerPeriod = cuisines * CELL_COUNT;
  const groups = MEAL_PERIODS.length * groupsPerPeriod;
  const cells = new Int32Array(rs.count);
  for (let r = 0; r < rs.count; r++) cells[r] = cellOf(rs.x[r], rs.y[r]);
  // Memory holds groups cell-major (period, cell, cuisine) while their ids are cuisine-major: a
  // user's proposals cluster in a few nearby cells, whose entries then sit together in cache.
  const slotOf = (group: number) => {
    const p = Math.floor(group / groupsPerPeriod);
    const rest = group - p * groupsPerPeriod;
    const c = Math.floor(rest / CELL_COUNT);
    return p * groupsPerPeriod + (rest - c * CELL_COUNT) * cuisines + c;
  };
  const forEachEntry = (visit: (slot: number, r: number) => void) => {
    for (let r = 0; r < rs.count; r++) {
      for (let p = 0; p < MEAL_PERIODS.length; p++) {
        if (((rs.openMask[r] >> p) & 1) === 0) continue;
        const base = p * groupsPerPeriod + cells[r] * cuisines;
        visit(base + rs.cuisine[r], r);
        if (rs.cuisine2[r] !== NO_CUISINE) visit(base + rs.cuisine2[r], r);
      }
    }
  };

  const slotStart = new Int32Array(groups + 1);
  forEachEntry((slot) => slotStart[slot + 1]++);
  let largest = 0;
  for (let s = 0; s < groups; s++) {
    largest = Math.max(largest, slotStart[s + 1]);
    slotStart[s + 1] += slotStart[s];
  }
  const entries = slotStart[groups];
  const members = new Int32Array(entries);
  const fill = slotStart.slice(0, groups);
  forEachEntry((slot, r) => {
    members[fill[slot]++] = r;
  });

  const weights = Float64Array.from(members, (r) => Math.exp(rs.quality[r]));
  const prob = new Float64Array(entries);
  const alias = new Int32Array(entries);
  const small = new Int32Array(largest);
  const large = new Int32Array(largest);
  const groupStart = new Int32Array(groups);
  const groupSize = new Int32Array(groups);
  const mass = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    const slot = slotOf(g);
    const from = slotStart[slot];
    const to = slotStart[slot + 1];
    groupStart[g] = from;
    groupSize[g] = to - from;
    fillAliasSegment(weights, from, to, prob, alias, small, large);
    for (let i = from; i < to; i++) mass[g] += weights[i];
  }

  const buffer = new ArrayBuffer(entries * RECORD * 4);
  const words = new Uint32Array(buffer);
  const ints = new Int32Array(buffer);
  const floats = new Float32Array(buffer);
  for (let g = 0; g < groups; g++) {
    for (let i = groupStart[g]; i < groupStart[g] + groupSize[g]; i++) {
      const r = members[i];
      const k = i * RECORD;
      // keep ⇔ u < prob·2³² ⇔ u ≤ ceil(prob·2³²) − 1 for a uniform 32-bit u: exact to 2⁻³².
      words[k + F_KEEP] = Math.min(0xffffffff, Math.max(0, Math.ceil(prob[i] * 4294967296) - 1));
      ints[k + F_ALIAS] = groupStart[g] + alias[i];
      floats[k + F_X] = rs.x[r];
      floats[k + F_Y] = rs.y[r];
      ints[k + F_PRICE] = rs.price[r];
      ints[k + F_INDEX] = r;
      ints[k + F_CUISINES] = rs.cuisine[r] * 256 + rs.cuisine2[r];
      floats[k + F_QUALITY] = rs.quality[r];
    }
  }
  return { groupsPerPeriod, groupStart, groupSize, mass, words, ints, floats };
}
