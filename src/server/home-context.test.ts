import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { HybridModel } from "../models/hybrid/hybrid-model.js";
import { EAST, twoCellsTwoPeriods } from "../models/popularity/testing/two-contexts.js";
import { ServeConfigSchema } from "./serve-config.js";
import { createServing } from "./server.js";

// User u5 lives in the west cell and has met item 1. Globally item 0 leads; in the west cell
// item 2 does; in the east cell (any meal period) item 0 does again.
test("a request without a place is asked from the user's declared home", async () => {
  const dir = await mkdtemp(join(tmpdir(), "palate-home-context-"));
  try {
    const model = new HybridModel({ parts: ["popularity"] });
    await model.fit(twoCellsTwoPeriods());
    await model.save(join(dir, "model"));
    const config = ServeConfigSchema.parse({
      eventLog: `sqlite:${join(dir, "events.db")}`,
      spillPath: join(dir, "spill.ndjson"),
    });
    const serving = await createServing(join(dir, "model"), config);
    try {
      const first = async (query: string) => {
        const response = await serving.app.inject({ method: "GET", url: `/v1/recommendations?${query}` });
        assert.equal(response.statusCode, 200, response.body);
        return (response.json() as { items: { item_id: string }[] }).items[0].item_id;
      };
      assert.equal(await first("user_id=u5&k=1"), "i2", "from home (west): the west cell's leader");
      assert.equal(await first(`user_id=u5&k=1&lat=${EAST.lat}&lon=${EAST.lon}&radius_km=100`), "i0");
    } finally {
      await serving.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
