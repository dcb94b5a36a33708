import { buildCsr } from "../../../core/csr.js";
import { IdDictionary } from "../../../core/id-dictionary.js";
import { InteractionTableBuilder } from "../../../core/interaction-table.js";
import type { User } from "../../../core/types.js";
import type { TrainingData } from "../../recommender.js";

/** Homes of the two cells (14 km apart at 50°N) and noon / 7 pm of 2023-11-14 (UTC). */
export const WEST = { lat: 50, lon: 4 };
export const EAST = { lat: 50, lon: 4.2 };
const DAY = 1_699_920_000;
export const LUNCH_HOUR = 12;
export const DINNER_HOUR = 19;

/**
 * Two cells × two meal periods with a known answer. Four groups of ten users, one per context,
 * each meet their context's item; the first two users of each group but the last also meet item 0:
 *
 *   west lunch → item 1, west dinner → item 2, east lunch → item 3, east dinner → item 0
 *
 * so item 0 leads globally (16 users against 10) while each context but east dinner has another
 * leader. Events fall on successive days by user, so a time holdout sees every context. Extra
 * events of `leaked` pairs (not in the training matrix) must be ignored by any fit.
 */
export function twoCellsTwoPeriods(options: { leaked?: [number, number][] } = {}): TrainingData {
  const groups = [
    { home: WEST, hour: LUNCH_HOUR, item: 1 },
    { home: WEST, hour: DINNER_HOUR, item: 2 },
    { home: EAST, hour: LUNCH_HOUR, item: 3 },
    { home: EAST, hour: DINNER_HOUR, item: 0 },
  ];
  const table = new InteractionTableBuilder();
  const userMeta: User[] = [];
  groups.forEach((group, g) => {
    for (let j = 0; j < 10; j++) {
      const u = 10 * g + j;
      const at = DAY + j * 86_400 + group.hour * 3600;
      userMeta.push({ userId: `u${u}`, attributes: { home_lat: group.home.lat, home_lon: group.home.lon } });
      table.push(u, group.item, 1, at, "booking");
      if (j < 2 && group.item !== 0) table.push(u, 0, 1, at + 60, "booking");
    }
  });
  const pairs = table.finish();
  const matrix = buildCsr(
    {
      length: pairs.length,
      rows: pairs.userIndex,
      cols: pairs.itemIndex,
      values: pairs.weight,
      timestamps: pairs.timestamp,
    },
    40,
    4,
  );
  // Leaked events arrive after the matrix was built: they are in the table, not the matrix.
  const withLeaks = new InteractionTableBuilder();
  for (let e = 0; e < pairs.length; e++) {
    withLeaks.push(pairs.userIndex[e], pairs.itemIndex[e], 1, pairs.timestamp[e], "booking");
  }
  for (const [u, i] of options.leaked ?? []) {
    for (let r = 0; r < 5; r++) withLeaks.push(u, i, 1, DAY + LUNCH_HOUR * 3600, "booking");
  }
  return {
    matrix,
    users: IdDictionary.from(userMeta.map((u) => u.userId)),
    items: IdDictionary.from(["i0", "i1", "i2", "i3"]),
    // Every item between the two cells, so a radius filter around either keeps them all.
    itemMeta: [0, 1, 2, 3].map((i) => ({
      itemId: `i${i}`,
      categories: [],
      attributes: {},
      lat: 50,
      lon: 4.1,
    })),
    userMeta,
    source: "two-cells-two-periods",
    interactions: withLeaks.finish(),
  };
}
