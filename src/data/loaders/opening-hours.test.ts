import assert from "node:assert/strict";
import { test } from "node:test";
import { formatOpeningHours, parseHoursRow } from "./opening-hours.js";

const at = { source: "h.csv", line: 2, field: "hours" };
const daysAt = { source: "h.csv", line: 2, field: "days" };
const row = (hours: string, days: string) => parseHoursRow(hours, days, at, daysAt);

test("rows merge per day set, ordered by first day, ranges sorted and de-duplicated", () => {
  const hours = formatOpeningHours([
    row("08:00-23:30;", "Sun;"),
    row("08:00-23:30;", "Mon;Tue;Wed;Thu;Fri;"),
    row("07:00-23:30;", "Mon;Tue;Wed;Thu;Fri;"),
    row("08:00-23:30;", "Mon;Tue;Wed;Thu;Fri;"),
    row("09:00-14:00;17:00-22:00;", "Sat;"),
  ]);
  assert.equal(hours, "Mon-Fri 07:00-23:30,08:00-23:30;Sat 09:00-14:00,17:00-22:00;Sun 08:00-23:30");
});

test("days with identical ranges share one group", () => {
  const hours = formatOpeningHours([
    row("11:00-21:00;", "Mon;Tue;Wed;Thu;Fri;"),
    row("11:00-21:00;", "Sat;"),
    row("11:00-21:00;", "Sun;"),
  ]);
  assert.equal(hours, "Mon-Sun 11:00-21:00");
  const split = formatOpeningHours([
    row("18:00-23:30;", "Mon;Tue;Wed;Thu;Fri;"),
    row("18:00-21:00;", "Sat;"),
    row("18:00-23:30;", "Sun;"),
  ]);
  assert.equal(split, "Mon-Fri,Sun 18:00-23:30;Sat 18:00-21:00");
});

test("stray fragments are dropped; non-consecutive days are listed", () => {
  assert.deepEqual(row("08:00-23:00;12:00;;", "Mon;Wed;Sat;Sun;"), {
    days: 0b1100101,
    intervals: ["08:00-23:00"],
  });
  assert.equal(formatOpeningHours([row("10:00-12:00;", "Mon;Wed;Sat;Sun;")]), "Mon,Wed,Sat-Sun 10:00-12:00");
  assert.equal(formatOpeningHours([row("12:00;", "Mon;")]), undefined);
});

test("unknown days and impossible times are errors naming the cell", () => {
  assert.throws(() => row("08:00-09:00;", "Mon;Funday;"), /h\.csv:2: field 'days': unknown day "Funday"/);
  assert.throws(() => row("08:00-39:00;", "Mon;"), /h\.csv:2: field 'hours': not a time range/);
});
