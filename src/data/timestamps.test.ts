import assert from "node:assert/strict";
import { test } from "node:test";
import { parseTimestamp, timestampFromJson } from "./timestamps.js";

test("unix seconds: integer, fractional, signed", () => {
  assert.equal(parseTimestamp("964982703"), 964982703);
  assert.equal(parseTimestamp("1700000000.25"), 1700000000.25);
  assert.equal(parseTimestamp("-86400"), -86400);
  assert.equal(parseTimestamp("0"), 0);
});

test("ISO 8601: dates, times, zones; no zone means UTC", () => {
  assert.equal(parseTimestamp("1970-01-02"), 86400);
  assert.equal(parseTimestamp("2000-01-01T00:00:00Z"), 946684800);
  assert.equal(parseTimestamp("2000-01-01T00:00:00"), 946684800);
  assert.equal(parseTimestamp("2000-01-01 00:00"), 946684800);
  assert.equal(parseTimestamp("2000-01-01T01:00:00+01:00"), 946684800);
  assert.equal(parseTimestamp("1999-12-31T19:00:00-0500"), 946684800);
  assert.equal(parseTimestamp("2000-01-01T00:00:00.5Z"), 946684800.5);
  assert.equal(parseTimestamp("2024-02-29T12:00:00Z"), 1709208000);
});

test("anything else is undefined", () => {
  for (const bad of [
    "",
    " ",
    "abc",
    "12abc",
    "1e9",
    "0x10",
    "2021-02-29",
    "2020-13-01",
    "2020-01-01T25:00",
    "2020-1-1",
  ]) {
    assert.equal(parseTimestamp(bad), undefined, bad);
  }
});

test("JSON values: numbers as seconds, strings parsed, others rejected", () => {
  assert.equal(timestampFromJson(12.5), 12.5);
  assert.equal(timestampFromJson("1970-01-01T00:01:00Z"), 60);
  assert.equal(timestampFromJson(true), undefined);
  assert.equal(timestampFromJson(Number.NaN), undefined);
});
