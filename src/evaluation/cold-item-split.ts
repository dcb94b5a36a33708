import { type CsrMatrix, selectEntries } from "../core/csr.js";
import { Random } from "../math/random.js";
import { checkFraction, nonEmptyRows, type Split } from "./splits.js";

/** Options of `coldItemSplit`. */
export interface ColdItemSplitOptions {
  /** Share of the items with interactions that are held out entirely. */
  fraction?: number;
  seed?: number;
}

/**
 * Simulates items new to the catalogue: a random fraction of the items with interactions has all
 * its entries moved to test and none left in train. Evaluation ranks only those items
 * (`candidateItems`) for the users who interacted with them (`evalUsers`).
 */
export function coldItemSplit(m: CsrMatrix, options: ColdItemSplitOptions = {}): Split {
  const { fraction = 0.1, seed = 42 } = options;
  checkFraction("fraction", fraction, true);
  const count = new Int32Array(m.nCols);
  for (let e = 0; e < m.indices.length; e++) count[m.indices[e]]++;
  let nActive = 0;
  for (let i = 0; i < m.nCols; i++) if (count[i] > 0) nActive++;
  const pool = new Int32Array(nActive);
  for (let i = 0, j = 0; i < m.nCols; i++) if (count[i] > 0) pool[j++] = i;
  new Random(seed).shuffle(pool);
  const held = pool.slice(0, Math.round(fraction * pool.length)).sort();

  const isHeld = new Uint8Array(m.nCols);
  for (const i of held) isHeld[i] = 1;
  const mask = new Uint8Array(m.indices.length);
  for (let e = 0; e < mask.length; e++) mask[e] = isHeld[m.indices[e]];
  const test = selectEntries(m, mask, 1);
  return {
    name: `cold-item-${fraction}-seed${seed}`,
    train: selectEntries(m, mask, 0),
    test,
    evalUsers: nonEmptyRows(test),
    candidateItems: held,
  };
}
