import assert from "node:assert/strict";
import { appendFileSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PalateError } from "../../core/errors.js";
import { SpillFile } from "./spill-file.js";
import { makeEvents } from "./testing/make-events.js";

let dir = "";
let files = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-spill-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});
const freshPath = () => join(dir, `spill-${files++}`, "events.ndjson");

describe("SpillFile", () => {
  it("appends NDJSON lines, reads them back in pages and truncates once all is committed", async () => {
    const spill = new SpillFile(freshPath());
    try {
      spill.recover();
      spill.append(makeEvents(5));
      spill.append(makeEvents(3, "p", 5));
      assert.equal(spill.unreadLines, 8);
      assert.equal(spill.headReceivedAt, makeEvents(1)[0].receivedAt);
      const lines = readFileSync(spill.path, "utf8").split("\n");
      assert.equal(lines.length, 9);
      assert.deepEqual(JSON.parse(lines[2]), makeEvents(3)[2]);

      const first = await spill.read(6);
      assert.deepEqual(first.events, makeEvents(6));
      assert.equal(first.lines, 6);
      // Not committed yet: the same page comes back.
      assert.deepEqual((await spill.read(6)).events, makeEvents(6));
      spill.commit(first);
      assert.equal(spill.unreadLines, 2);
      assert.ok(statSync(spill.path).size > 0);
      const rest = await spill.read(100);
      assert.deepEqual(rest.events, makeEvents(2, "p", 6));
      spill.commit(rest);
      assert.equal(spill.unreadLines, 0);
      assert.equal(spill.headReceivedAt, null);
      assert.equal(statSync(spill.path).size, 0);
      spill.append(makeEvents(1, "q"));
      assert.deepEqual((await spill.read(10)).events, makeEvents(1, "q"));
    } finally {
      spill.close();
    }
  });

  it("keeps lines appended while a page is being delivered", async () => {
    const spill = new SpillFile(freshPath());
    try {
      spill.append(makeEvents(4));
      const page = await spill.read(10);
      spill.append(makeEvents(2, "p", 4));
      spill.commit(page);
      assert.equal(spill.unreadLines, 2);
      assert.deepEqual((await spill.read(10)).events, makeEvents(2, "p", 4));
    } finally {
      spill.close();
    }
  });

  it("recovers a file left by a crash: counts its lines and isolates a torn last line", async () => {
    const path = freshPath();
    const before = new SpillFile(path);
    before.append(makeEvents(3));
    before.close();
    appendFileSync(path, '{"eventId":"torn","type":"vi');

    const after = new SpillFile(path);
    try {
      after.recover();
      assert.equal(after.unreadLines, 4);
      after.append(makeEvents(2, "p", 3));
      const page = await after.read(100);
      assert.deepEqual(page.events, makeEvents(5));
      assert.equal(page.corrupt, 1);
      assert.equal(page.lines, 6);
    } finally {
      after.close();
    }
  });

  it("skips blank and foreign lines, and a line longer than one read", async () => {
    const path = freshPath();
    const spill = new SpillFile(path);
    spill.append(makeEvents(1));
    spill.close();
    appendFileSync(path, `\n${"x".repeat(700_000)}\n{"not":"an event"}\n`);
    const again = new SpillFile(path);
    try {
      again.recover();
      again.append(makeEvents(1, "p", 1));
      // A page ends where a read chunk ends, so it can hold fewer lines than asked for.
      const events = [];
      let corrupt = 0;
      for (let reads = 0; again.unreadLines > 0 && reads < 10; reads++) {
        const page = await again.read(100);
        events.push(...page.events);
        corrupt += page.corrupt;
        again.commit(page);
      }
      assert.deepEqual(events, makeEvents(2));
      assert.equal(corrupt, 2);
      assert.equal(again.unreadLines, 0);
      assert.equal(statSync(path).size, 0);
    } finally {
      again.close();
    }
  });

  it("a missing file is an empty spill", () => {
    const spill = new SpillFile(freshPath());
    spill.recover();
    assert.equal(spill.unreadLines, 0);
    spill.close();
  });

  it("throws when the file cannot be written, leaving nothing behind", () => {
    const blocker = join(dir, "a-regular-file");
    writeFileSync(blocker, "");
    for (const path of [join(blocker, "spill.ndjson"), "/dev/full", "/dev/null"]) {
      const spill = new SpillFile(path);
      spill.recover();
      assert.throws(() => spill.append(makeEvents(2)), PalateError, path);
      assert.equal(spill.unreadLines, 0);
      spill.close();
    }
  });
});
