import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { palate } from "./testing/run-palate.js";

test("palate controller --trim-events refuses an event log it cannot trim, naming the flag", async () => {
  const dir = await mkdtemp(join(tmpdir(), "palate-controller-flags-"));
  try {
    const run = await palate(
      "controller",
      ...["--registry", join(dir, "registry"), "--event-log", `sqlite:${join(dir, "events.db")}`],
      "--trim-events",
    );
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /--trim-events/);
    assert.match(run.stderr, /cannot be trimmed/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
