import assert from "node:assert/strict";
import { test } from "node:test";
import type BetterSqlite3 from "better-sqlite3";
import { enableWal } from "./sqlite-wal.js";

/** A connection whose WAL switch answers with `failures` errors of `code` before it succeeds. */
function connection(failures: number, code: string) {
  const calls = { count: 0 };
  const db = {
    pragma(source: string) {
      assert.equal(source, "journal_mode = WAL");
      calls.count++;
      if (calls.count <= failures) throw Object.assign(new Error(`busy ${calls.count}`), { code });
      return "wal";
    },
  } as unknown as BetterSqlite3.Database;
  return { db, calls };
}

test("a busy WAL switch is retried until it succeeds", () => {
  const { db, calls } = connection(3, "SQLITE_BUSY");
  enableWal(db, 5000);
  assert.equal(calls.count, 4);
});

test("a WAL switch still busy at the timeout fails with SQLite's error", () => {
  const { db, calls } = connection(Number.POSITIVE_INFINITY, "SQLITE_BUSY");
  assert.throws(() => enableWal(db, 50), { code: "SQLITE_BUSY" });
  assert.ok(calls.count > 1, "it retried before giving up");
});

test("other errors are not retried", () => {
  const { db, calls } = connection(1, "SQLITE_CORRUPT");
  assert.throws(() => enableWal(db, 5000), { code: "SQLITE_CORRUPT" });
  assert.equal(calls.count, 1);
});
