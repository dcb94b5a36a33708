import { Random } from "../../math/random.js";
import type { ChunkWriter } from "./chunk-writer.js";
import { CUISINES, EVENT_TYPES, MEAL_PERIODS, NO_CUISINE } from "./constants.js";
import type { DayBuffer } from "./day-buffer.js";
import { latOf, lonOf } from "./geo.js";
import { idWidth } from "./ids.js";
import { STREAMS, streamSeed } from "./params.js";
import { drawTitle } from "./titles.js";
import type { CityWorld } from "./world.js";

/** File names and headers of a generated city (the CSV loader reads these). */
export const CITY_FILES = {
  interactions: "interactions.csv",
  items: "items.csv",
  users: "users.csv",
  manifest: "city.json",
} as const;

/** CSV headers of the city's files. */
export const CITY_HEADERS = {
  interactions: "user_id,item_id,timestamp,type",
  items: "item_id,title,categories,price,lat,lon,meal_periods,margin",
  users: "user_id,home_lat,home_lon,price_preference,cuisines",
} as const;

/** Lines gathered into one string before it goes to the writer. */
const LINES_PER_TEXT = 4096;

function mealPeriods(mask: number): string {
  const names: string[] = [];
  for (let p = 0; p < MEAL_PERIODS.length; p++) if ((mask >> p) & 1) names.push(MEAL_PERIODS[p]);
  return names.join("|");
}

/** Writes items.csv: one line per restaurant in index order. */
export async function writeItems(world: CityWorld, out: ChunkWriter): Promise<void> {
  const rs = world.restaurants;
  const width = idWidth(rs.count);
  const titles = new Random(streamSeed(world.params.seed, STREAMS.titles));
  let text = CITY_HEADERS.items + "\n";
  for (let r = 0; r < rs.count; r++) {
    const c2 = rs.cuisine2[r];
    const categories = CUISINES[rs.cuisine[r]].name + (c2 === NO_CUISINE ? "" : "|" + CUISINES[c2].name);
    text +=
      `r${String(r).padStart(width, "0")},${drawTitle(titles)},${categories},${rs.price[r]},` +
      `${latOf(rs.y[r]).toFixed(5)},${lonOf(rs.x[r]).toFixed(5)},${mealPeriods(rs.openMask[r])},` +
      `${rs.margin[r].toFixed(2)}\n`;
    if (r % LINES_PER_TEXT === LINES_PER_TEXT - 1) {
      await out.text(text);
      text = "";
    }
  }
  await out.text(text);
}

/** Writes users.csv: home, declared price level (rounded) and declared cuisines (maybe none). */
export async function writeUsers(world: CityWorld, out: ChunkWriter): Promise<void> {
  const us = world.users;
  const width = idWidth(us.count);
  let text = CITY_HEADERS.users + "\n";
  for (let u = 0; u < us.count; u++) {
    const d1 = us.declared[2 * u];
    const d2 = us.declared[2 * u + 1];
    const cuisines = d1 < 0 ? "" : CUISINES[d1].name + (d2 < 0 ? "" : "|" + CUISINES[d2].name);
    text +=
      `u${String(u).padStart(width, "0")},${latOf(us.y[u]).toFixed(5)},${lonOf(us.x[u]).toFixed(5)},` +
      `${Math.round(us.pricePreference[u])},${cuisines}\n`;
    if (u % LINES_PER_TEXT === LINES_PER_TEXT - 1) {
      await out.text(text);
      text = "";
    }
  }
  await out.text(text);
}

const encoder = new TextEncoder();
/** ",view\n" etc. per type code, pre-encoded for the hot loop. */
const TYPE_SUFFIX = EVENT_TYPES.map((t) => encoder.encode(`,${t}\n`));
const COMMA = 44;
const U = 117;
const R = 114;

/** Writes the header line of interactions.csv. */
export async function writeInteractionsHeader(out: ChunkWriter): Promise<void> {
  await out.text(CITY_HEADERS.interactions + "\n");
}

/**
 * Writes one sorted day of events (`day.sort()` done) starting at unix second `dayStart`, and
 * counts events per restaurant into `perItem`.
 */
export async function writeDay(
  world: CityWorld,
  day: DayBuffer,
  dayStart: number,
  out: ChunkWriter,
  perItem: Float64Array,
): Promise<void> {
  const userWidth = idWidth(world.users.count);
  const itemWidth = idWidth(world.restaurants.count);
  const { order, user, item, second, type } = day;
  for (let k = 0; k < day.length; k++) {
    const i = order[k];
    const r = item[i];
    perItem[r]++;
    out.byte(U);
    out.int(user[i], userWidth);
    out.byte(COMMA);
    out.byte(R);
    out.int(r, itemWidth);
    out.byte(COMMA);
    out.int(dayStart + second[i]);
    out.bytes(TYPE_SUFFIX[type[i]]);
    if (out.full()) await out.flush();
  }
}
