import assert from "node:assert/strict";
import { test } from "node:test";
import { parseClock, simClockSpec } from "./clock.js";

test("two clocks parsed from one spec agree, and run at the given speed", async () => {
  const spec = simClockSpec(Date.parse("2026-01-05T00:00:00Z"), 3600);
  const a = parseClock(spec);
  const b = parseClock(spec);
  const t0 = a();
  assert.ok(Math.abs(b() - t0) < 3600 * 5, "the clocks disagree by more than 5 ms of real time");
  await new Promise((r) => setTimeout(r, 50));
  const elapsed = a() - t0;
  assert.ok(elapsed >= 3600 * 40 && elapsed < 3600 * 1000, `simulated ${elapsed} ms for 50 real ms`);
});

test("bad clock specs name what is wrong", () => {
  assert.throws(() => parseClock("sim:yesterday,1,2"), /not a time/);
  assert.throws(() => parseClock("sim:0,1,0.5"), /speed/);
  assert.throws(() => parseClock("fast"), /expected 'system'/);
});
