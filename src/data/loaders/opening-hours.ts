import { InputError } from "../../core/errors.js";
import type { CellLocation } from "./cells.js";

const DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const INTERVAL = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;

/** One row of chefmozhours4.csv, parsed: a set of days (bit d = DAY_NAMES[d]) and time ranges. */
export interface HoursRow {
  days: number;
  intervals: string[];
}

/**
 * Parses a chefmozhours4 row: `hours` such as "09:00-12:00;17:00-22:00;" and `days` such as
 * "Mon;Tue;Wed;Thu;Fri;". Fragments that are not HH:MM-HH:MM (the source has stray "12:00" and
 * empty pieces) are dropped; an unknown day name is an error.
 */
export function parseHoursRow(
  hours: string,
  days: string,
  hoursAt: CellLocation,
  daysAt: CellLocation,
): HoursRow {
  let mask = 0;
  for (const part of days.split(";")) {
    const name = part.trim();
    if (name.length === 0) continue;
    const day = DAY_NAMES.indexOf(name);
    if (day === -1) throw new InputError(daysAt, `unknown day ${JSON.stringify(name)}`);
    mask |= 1 << day;
  }
  if (mask === 0) throw new InputError(daysAt, "no day given");
  const intervals: string[] = [];
  for (const part of hours.split(";")) {
    const m = INTERVAL.exec(part.trim());
    if (m === null) continue;
    const [fromH, fromM, toH, toM] = [m[1], m[2], m[3], m[4]].map(Number);
    if (fromH > 24 || toH > 24 || fromM > 59 || toM > 59) {
      throw new InputError(hoursAt, `not a time range: ${JSON.stringify(part)}`);
    }
    intervals.push(part.trim());
  }
  return { days: mask, intervals };
}

/**
 * The compact `hours` attribute of a place:
 *
 *   "Mon-Fri 07:00-23:30,08:00-23:30;Sat-Sun 09:00-14:00"
 *
 * Groups are separated by ";" and ordered by their first day; each is a day set (a run of
 * consecutive days as "Mon-Fri", other days listed with ",") then a space and its time ranges,
 * comma-separated, sorted and de-duplicated. Rows for the same days are merged first, then days
 * with identical ranges share a group ("Mon-Sun 11:00-21:00"). A range ending before it starts
 * runs past midnight, and "00:00-00:00" is how the source writes a whole day. Undefined when no
 * row has a usable range.
 */
export function formatOpeningHours(rows: readonly HoursRow[]): string | undefined {
  const byDays = new Map<number, Set<string>>();
  for (const row of rows) {
    if (row.intervals.length === 0) continue;
    let set = byDays.get(row.days);
    if (set === undefined) {
      set = new Set();
      byDays.set(row.days, set);
    }
    for (const interval of row.intervals) set.add(interval);
  }
  if (byDays.size === 0) return undefined;
  const byRanges = new Map<string, number>();
  for (const [mask, intervals] of byDays) {
    const ranges = [...intervals].sort().join(",");
    byRanges.set(ranges, (byRanges.get(ranges) ?? 0) | mask);
  }
  const lowestDay = (mask: number) => 31 - Math.clz32(mask & -mask);
  return [...byRanges.entries()]
    .sort(([, a], [, b]) => lowestDay(a) - lowestDay(b) || a - b)
    .map(([ranges, mask]) => `${dayLabel(mask)} ${ranges}`)
    .join(";");
}

/** "Mon-Fri", "Sat", "Mon,Wed", "Mon-Wed,Sat": runs of two or more days become ranges. */
function dayLabel(mask: number): string {
  const parts: string[] = [];
  let day = 0;
  while (day < 7) {
    if ((mask & (1 << day)) === 0) {
      day++;
      continue;
    }
    let end = day;
    while (end + 1 < 7 && (mask & (1 << (end + 1))) !== 0) end++;
    parts.push(end === day ? DAY_NAMES[day] : `${DAY_NAMES[day]}-${DAY_NAMES[end]}`);
    day = end + 1;
  }
  return parts.join(",");
}
