import { buildCsr } from "../../core/csr.js";
import { IdDictionary } from "../../core/id-dictionary.js";
import type { TrainingData } from "../recommender.js";

/**
 * Checkerboard data with a known answer: every even user liked every even item and every odd
 * user every odd item, except that user u skipped item (u + 2) mod nItems, which a personalised
 * model should recommend first. Item 0 gets extra weight so popularity has a clear leader.
 */
export function checkerboard(nUsers: number, nItems: number): TrainingData {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    for (let i = u % 2; i < nItems; i += 2) {
      if (i === (u + 2) % nItems) continue;
      rows.push(u);
      cols.push(i);
    }
  }
  const values = Float32Array.from(cols, (c) => (c === 0 ? 3 : 1));
  const matrix = buildCsr(
    {
      length: rows.length,
      rows: Int32Array.from(rows),
      cols: Int32Array.from(cols),
      values,
      timestamps: Float64Array.from(rows, (_, e) => 1_700_000_000 + e),
    },
    nUsers,
    nItems,
  );
  return {
    matrix,
    users: IdDictionary.from(Array.from({ length: nUsers }, (_, u) => `u${u}`)),
    items: IdDictionary.from(Array.from({ length: nItems }, (_, i) => `i${i}`)),
    itemMeta: [],
    userMeta: [],
    source: "checkerboard",
  };
}
