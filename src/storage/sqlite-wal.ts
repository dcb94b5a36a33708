import type BetterSqlite3 from "better-sqlite3";

/**
 * Switches a SQLite connection to WAL mode. SQLite answers SQLITE_BUSY at once, without calling
 * the busy handler, when another connection holds the lock this switch needs (two processes
 * opening a new file together, say), so the busy timeout alone does not cover it: this retries
 * with a short backoff until `timeoutMs` has passed. Synchronous, like the constructors that
 * call it.
 */
export function enableWal(db: BetterSqlite3.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, wait);
    }
  }
}
