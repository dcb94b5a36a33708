import assert from "node:assert/strict";
import { test } from "node:test";
import type { LoggedEvent } from "../storage/events/event-log.js";
import { OnlineMetrics } from "./online-metrics.js";

const catalog = {
  marginOf: (id: string) => (id.startsWith("h") ? 0.5 : 0.1),
  categoryOf: (id: string) => id.slice(0, 1),
  size: 10,
};
let n = 0;
function event(fields: Partial<LoggedEvent>): LoggedEvent {
  return {
    eventId: `e${n++}`,
    type: "click",
    userId: "u",
    itemId: "x",
    timestamp: 1000,
    receivedAt: 0,
    ...fields,
  };
}
const scope = { champion: "v1", canary: "v2" };
const events: LoggedEvent[] = [
  event({
    type: "impression",
    recommendationId: "r1",
    variant: "champion",
    modelVersion: "v1",
    items: ["a1", "b1"],
    sessionId: "s1",
  }),
  event({
    type: "impression",
    recommendationId: "r2",
    variant: "canary",
    modelVersion: "v2",
    items: ["h1", "h2"],
  }),
  event({ type: "impression", recommendationId: "r3", variant: "canary", modelVersion: "v0", items: ["a1"] }),
  event({ type: "click", recommendationId: "r1", sessionId: "s1", timestamp: 1060 }),
  event({ type: "click", recommendationId: "r1", sessionId: "s1", timestamp: 1120 }),
  event({ type: "booking", recommendationId: "r1", sessionId: "s1", timestamp: 1180 }),
  event({ type: "click", recommendationId: "r3" }),
];

test("clicks and bookings are attributed to their list's variant; other versions' lists are ignored", () => {
  const m = new OnlineMetrics(scope, catalog);
  for (const e of events) m.add(e);
  const s = m.snapshot();
  assert.equal(s.champion.impressions, 1);
  assert.equal(s.champion.clickedImpressions, 1);
  assert.equal(s.champion.clicks, 2);
  assert.equal(s.champion.bookingRate, 1);
  assert.equal(s.champion.diversity, 1);
  assert.equal(s.canary.impressions, 1);
  assert.equal(s.canary.diversity, 0);
  assert.equal(s.canary.meanMargin, 0.5);
  assert.equal(s.champion.coverage, 0.2);
  assert.equal(s.unattributed, 1, "the click on another version's list");
  assert.equal(s.champion.sessions, 1);
  assert.equal(s.champion.eventsPerSession, 3);
  assert.equal(s.champion.minutesPerSession, 3);
});

test("a checkpointed state continues exactly where it stopped", () => {
  const whole = new OnlineMetrics(scope, catalog);
  for (const e of events) whole.add(e);
  const first = new OnlineMetrics(scope, catalog);
  for (const e of events.slice(0, 4)) first.add(e);
  const resumed = OnlineMetrics.fromState(JSON.parse(JSON.stringify(first.toState())), catalog);
  for (const e of events.slice(4)) resumed.add(e);
  assert.deepEqual(resumed.snapshot(), whole.snapshot());
});

test("lists older than the attribution window are forgotten (bounded memory)", () => {
  const m = new OnlineMetrics(scope, catalog);
  m.add(
    event({
      type: "impression",
      recommendationId: "old",
      variant: "champion",
      modelVersion: "v1",
      items: ["a1"],
    }),
  );
  m.add(
    event({
      type: "impression",
      recommendationId: "new",
      variant: "champion",
      modelVersion: "v1",
      items: ["a1"],
      timestamp: 1000 + 2 * 86_400,
    }),
  );
  m.add(event({ type: "click", recommendationId: "old", timestamp: 1000 + 2 * 86_400 }));
  assert.equal(m.snapshot().unattributed, 1);
  assert.equal(m.toState().lists.length, 1);
});
