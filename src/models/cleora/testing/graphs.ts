import { buildCsr } from "../../../core/csr.js";
import { IdDictionary } from "../../../core/id-dictionary.js";
import type { Item } from "../../../core/types.js";
import { Random } from "../../../math/random.js";
import type { TrainingData } from "../../recommender.js";

/** Training data from (user id, item id) pairs, indices in order of first appearance. */
export function fromPairs(
  pairs: ReadonlyArray<readonly [string, string]>,
  itemMeta: Item[] = [],
): TrainingData {
  const users = new IdDictionary();
  const items = IdDictionary.from(itemMeta.map((item) => item.itemId));
  const rows = Int32Array.from(pairs, ([u]) => users.add(u));
  const cols = Int32Array.from(pairs, ([, i]) => items.add(i));
  const values = new Float32Array(pairs.length).fill(1);
  const matrix = buildCsr({ length: pairs.length, rows, cols, values }, users.size, items.size);
  return { matrix, users, items, itemMeta, userMeta: [], source: "test" };
}

/**
 * Two communities that share no edge: users c0-u* only use items c0-i*, users c1-u* only c1-i*
 * (each user picks `perUser` random items of their community).
 */
export function twoCommunities(
  usersEach: number,
  itemsEach: number,
  perUser: number,
  seed: number,
): Array<[string, string]> {
  const rng = new Random(seed);
  const pairs: Array<[string, string]> = [];
  for (const c of [0, 1]) {
    for (let u = 0; u < usersEach; u++) {
      for (let k = 0; k < perUser; k++) pairs.push([`c${c}-u${u}`, `c${c}-i${rng.int(itemsEach)}`]);
    }
  }
  return pairs;
}

/** Cosine of rows a and b of a row-major matrix with d columns. */
export function cosine(x: Float32Array, d: number, a: number, b: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let j = 0; j < d; j++) {
    ab += x[a * d + j] * x[b * d + j];
    aa += x[a * d + j] ** 2;
    bb += x[b * d + j] ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** The mean cosine over pairs (a, b), a ≠ b, with a in `as` and b in `bs`. */
export function meanCosine(x: Float32Array, d: number, as: readonly number[], bs: readonly number[]): number {
  let sum = 0;
  let n = 0;
  for (const a of as) {
    for (const b of bs) {
      if (a === b) continue;
      sum += cosine(x, d, a, b);
      n++;
    }
  }
  return sum / n;
}
