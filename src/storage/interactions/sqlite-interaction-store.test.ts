import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { PalateError } from "../../core/errors.js";
import { runInteractionStoreContract } from "./interaction-store.contract.js";
import type { InteractionStore } from "./interaction-store.js";
import { openInteractionStore } from "./open-interaction-store.js";
import { SqliteInteractionStore } from "./sqlite-interaction-store.js";

let dir = "";
let files = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-interactions-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function reopenSameFile(store: InteractionStore): Promise<InteractionStore> {
  assert.ok(store instanceof SqliteInteractionStore);
  return openInteractionStore(`sqlite:${store.filename}`);
}

runInteractionStoreContract(
  "sqlite file",
  () => openInteractionStore(`sqlite:${join(dir, `store-${files++}.db`)}`),
  {
    reopen: reopenSameFile,
  },
);
runInteractionStoreContract("sqlite in memory", () => openInteractionStore("sqlite::memory:"));

describe("SqliteInteractionStore", () => {
  it("uses WAL mode and creates missing parent directories", async () => {
    const path = join(dir, "nested", "deeper", "store.db");
    const store = new SqliteInteractionStore(path);
    try {
      await store.append([{ userId: "u", itemId: "i", type: "view", timestamp: 1 }]);
      assert.ok(existsSync(path));
      const raw = new Database(path, { readonly: true });
      try {
        assert.equal(raw.pragma("journal_mode", { simple: true }), "wal");
      } finally {
        raw.close();
      }
    } finally {
      await store.close();
    }
  });

  it("pages through readSince in sequence order without a sort", async () => {
    const path = join(dir, "plan.db");
    await new SqliteInteractionStore(path).close();
    const raw = new Database(path, { readonly: true });
    try {
      // The store's page query on the store's own schema; a TEMP B-TREE would mean a sort per page.
      const plan = raw
        .prepare(
          "EXPLAIN QUERY PLAN SELECT seq, user_id, item_id, type, value, timestamp FROM interactions " +
            "WHERE seq > ? AND seq <= ? AND +timestamp >= ? ORDER BY seq LIMIT ?",
        )
        .all(0, 10, 0, 10) as { detail: string }[];
      const details = plan.map((p) => p.detail).join("; ");
      assert.doesNotMatch(details, /TEMP B-TREE|interactions_timestamp/);
      assert.match(details, /INTEGER PRIMARY KEY/);
    } finally {
      raw.close();
    }
  });

  it("refuses a file whose interactions table has other columns", async () => {
    const path = join(dir, "foreign.db");
    const raw = new Database(path);
    raw.exec("CREATE TABLE interactions (id INTEGER PRIMARY KEY, payload TEXT)");
    raw.close();
    assert.throws(
      () => new SqliteInteractionStore(path),
      (error: unknown) => {
        assert.ok(error instanceof PalateError);
        assert.match(error.message, /expected \(seq, user_id, item_id, type, value, timestamp\)/);
        return true;
      },
    );
  });

  it("refuses a file that is not a SQLite database", () => {
    const path = join(dir, "not-a-db.db");
    writeFileSync(path, "this is not a database, just some text that is long enough ".repeat(20));
    assert.throws(() => new SqliteInteractionStore(path), PalateError);
  });
});
