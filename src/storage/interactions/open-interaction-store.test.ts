import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { InputError } from "../../core/errors.js";
import { redactStoreUrl } from "../open-store-url.js";
import { openInteractionStore } from "./open-interaction-store.js";
import { SqliteInteractionStore } from "./sqlite-interaction-store.js";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-open-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("openInteractionStore", () => {
  it("opens sqlite:PATH relative to the working directory", async () => {
    const absolute = join(dir, "rel", "store.db");
    const store = await openInteractionStore(`sqlite:${relative(process.cwd(), absolute)}`);
    try {
      assert.ok(store instanceof SqliteInteractionStore);
      assert.equal(store.filename, absolute);
      assert.ok(existsSync(absolute));
    } finally {
      await store.close();
    }
  });

  it("opens sqlite::memory: without touching the disk, case-insensitively in the scheme", async () => {
    const store = await openInteractionStore("SQLite::memory:");
    try {
      assert.ok(store instanceof SqliteInteractionStore);
      assert.equal(store.filename, ":memory:");
    } finally {
      await store.close();
    }
  });

  it("rejects an unknown scheme, listing the supported ones without leaking credentials", async () => {
    await assert.rejects(
      openInteractionStore("postgres://palate:s3cret@db:5432/palate"),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.match(error.message, /unsupported scheme 'postgres:'/);
        assert.match(error.message, /sqlite:PATH, sqlite::memory:/);
        assert.doesNotMatch(error.message, /s3cret/);
        return true;
      },
    );
  });

  it("rejects a URL without a scheme or without a path", async () => {
    for (const url of ["data/palate.db", "C:\\palate.db", "", "sqlite:", "sqlite:  "]) {
      await assert.rejects(openInteractionStore(url), InputError, url);
    }
  });

  it("redacts only the user-info part of a URL", () => {
    assert.equal(redactStoreUrl("redis://user:pw@host:6379/0"), "redis://***@host:6379/0");
    assert.equal(redactStoreUrl("redis://host:6379"), "redis://host:6379");
    assert.equal(redactStoreUrl("sqlite:data/a@b.db"), "sqlite:data/a@b.db");
  });
});
