/**
 * Timestamps in input files: unix seconds (integer or fractional) or ISO 8601. An ISO time without
 * a zone is read as UTC, never as the machine's local time, so a load gives the same numbers on
 * every machine.
 */

const UNIX_SECONDS = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

/** Unix seconds of an ISO 8601 date or date-time, or undefined when it is not one (or not a real date). */
export function parseIsoTimestamp(text: string): number | undefined {
  const m = ISO_8601.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const offsetHour = Number(m[10]);
    const offsetMinute = m[11] === undefined ? 0 : Number(m[11]);
    if (offsetHour > 23 || offsetMinute > 59) return undefined;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  }
  const fraction = m[7] === undefined ? 0 : Number(`0${m[7]}`);
  // Date.UTC maps years 0–99 to 1900–1999; a leap base year then the real year avoids that.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year);
  return date.getTime() / 1000 - offsetMinutes * 60 + fraction;
}

/** Unix seconds from text holding unix seconds or an ISO 8601 time; undefined when it is neither. */
export function parseTimestamp(text: string): number | undefined {
  if (UNIX_SECONDS.test(text)) {
    const seconds = Number(text);
    return Number.isFinite(seconds) ? seconds : undefined;
  }
  return parseIsoTimestamp(text);
}

/** Unix seconds from a JSON value: a number of seconds or a string `parseTimestamp` accepts. */
export function timestampFromJson(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string") return parseTimestamp(value);
  return undefined;
}
