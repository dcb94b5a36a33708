import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../math/random.js";
import type { LoggedEvent } from "../storage/events/event-log.js";
import { OnlineMetrics } from "./online-metrics.js";

// Items "h…" have margin 0.5, the others 0.1; the first letter is the primary category.
const catalog = {
  marginOf: (id: string) => (id.startsWith("?") ? undefined : id.startsWith("h") ? 0.5 : 0.1),
  categoryOf: (id: string) => (id.startsWith("?") ? undefined : id.slice(0, 1)),
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
const shown = (id: string, variant: string, items: string[], more: Partial<LoggedEvent> = {}) =>
  event({
    type: "impression",
    recommendationId: id,
    variant,
    modelVersion: variant === "canary" ? "v2" : "v1",
    items,
    ...more,
  });
const scope = { champion: "v1", canary: "v2" };
const events: LoggedEvent[] = [
  shown("r1", "champion", ["a1", "b1"], { sessionId: "s1" }),
  shown("r2", "canary", ["h1", "h2"], { sessionId: "s2" }),
  shown("r3", "canary", ["a1"], { modelVersion: "v0" }),
  event({ type: "click", recommendationId: "r1", sessionId: "s1", timestamp: 1060 }),
  event({ type: "click", recommendationId: "r1", sessionId: "s1", timestamp: 1120 }),
  event({ type: "booking", recommendationId: "r1", sessionId: "s1", timestamp: 1180 }),
  event({ type: "view", recommendationId: "r2", sessionId: "s2", timestamp: 1030 }),
  event({ type: "click", recommendationId: "r3" }),
  event({ type: "click", recommendationId: "nowhere" }),
];

test("clicks and bookings count for their list's variant, once per list for the rates, raw in totals", () => {
  const m = new OnlineMetrics(scope, catalog);
  for (const e of events) m.add(e);
  const s = m.snapshot();
  assert.equal(s.champion.impressions, 1);
  assert.equal(s.champion.clickedImpressions, 1);
  assert.equal(s.champion.clicks, 2);
  assert.equal(s.champion.ctr, 1);
  assert.equal(s.champion.clicksPerImpression, 2);
  assert.equal(s.champion.bookingRate, 1);
  assert.equal(s.canary.impressions, 1);
  assert.equal(s.canary.clicks, 0, "a view is not a click");
  assert.equal(s.ignoredImpressions, 1, "the list of another version");
  assert.equal(s.unattributed, 2, "the click on another version's list and on an unknown id");
});

test("guardrails: diversity, margin, coverage; sessions by the variant of their first list", () => {
  const m = new OnlineMetrics(scope, catalog);
  for (const e of events) m.add(e);
  const s = m.snapshot();
  assert.equal(s.champion.diversity, 1);
  assert.equal(s.canary.diversity, 0);
  assert.equal(s.champion.meanMargin, 0.1);
  assert.equal(s.canary.meanMargin, 0.5);
  assert.equal(s.champion.coverage, 0.2);
  assert.equal(s.champion.sessions, 1);
  assert.equal(s.champion.eventsPerSession, 3);
  assert.equal(s.champion.minutesPerSession, 3);
  assert.equal(s.canary.eventsPerSession, 1);
  assert.equal(s.canary.minutesPerSession, 0.5);
});

test("paired coverage compares equal numbers of lists whatever the traffic split", () => {
  const m = new OnlineMetrics(null, { ...catalog, size: 1000 });
  // The champion gets 9 lists per canary list, every list new items: raw coverage 9:1, paired 1:1.
  let next = 0;
  const items = () => Array.from({ length: 5 }, () => `i${next++}`);
  for (let k = 0; k < 20; k++) {
    m.add(shown(`c${k}`, "canary", items()));
    for (let j = 0; j < 9; j++) m.add(shown(`p${k}-${j}`, "champion", items()));
  }
  const s = m.snapshot();
  assert.equal(s.champion.distinctItems, 900);
  assert.equal(s.canary.distinctItems, 100);
  assert.ok(Math.abs(s.champion.pairedImpressions - s.canary.pairedImpressions) <= 1);
  assert.ok(Math.abs((s.champion.pairedCoverage ?? 0) - (s.canary.pairedCoverage ?? 0)) <= 0.005);
});

test("a duplicate impression counts once; items without category or margin are left out", () => {
  const m = new OnlineMetrics(scope, catalog);
  m.add(shown("r1", "champion", ["a1", "?x", "b1"]));
  m.add(shown("r1", "champion", ["a1", "?x", "b1"]));
  const s = m.snapshot();
  assert.equal(s.champion.impressions, 1);
  assert.equal(s.duplicateImpressions, 1);
  assert.equal(s.champion.diversity, 1);
  assert.equal(s.champion.marginItems, 2);
});

/** A random but reproducible event stream: lists, clicks, bookings, views, unknown ids, sessions. */
function stream(seed: number, lists: number): LoggedEvent[] {
  const rng = new Random(seed);
  const out: LoggedEvent[] = [];
  let t = 1_000_000;
  for (let k = 0; k < lists; k++) {
    t += rng.int(600);
    const variant = rng.next() < 0.3 ? "canary" : "champion";
    const session = `s${rng.int(lists / 4)}`;
    const items = Array.from({ length: 4 }, () => `${"abch"[rng.int(4)]}${rng.int(5)}`);
    out.push(shown(`r${k}`, variant, items, { sessionId: session, timestamp: t }));
    const target = rng.next() < 0.9 ? `r${k - rng.int(3)}` : `x${k}`;
    for (const type of ["click", "booking", "view"])
      if (rng.next() < 0.3)
        out.push(event({ type, recommendationId: target, sessionId: session, timestamp: t + 30 }));
  }
  return out;
}

test("a checkpointed state continues exactly where it stopped, wherever it stopped", () => {
  const all = stream(1, 400);
  const settings = { attributionWindowS: 3600, sessionIdleS: 900 };
  const whole = new OnlineMetrics(scope, catalog, settings);
  for (const e of all) whole.add(e);
  for (const cut of [1, 37, 250, 601, all.length - 1]) {
    const first = new OnlineMetrics(scope, catalog, settings);
    for (const e of all.slice(0, cut)) first.add(e);
    const resumed = OnlineMetrics.fromState(JSON.parse(JSON.stringify(first.toState())), catalog);
    for (const e of all.slice(cut)) resumed.add(e);
    assert.deepEqual(resumed.snapshot(), whole.snapshot(), `cut at ${cut}`);
    assert.deepEqual(resumed.toState(), whole.toState(), `cut at ${cut}`);
  }
  assert.throws(() => OnlineMetrics.fromState({ ...whole.toState(), version: 2 as 1 }, catalog), /version/);
});

test("lists older than the attribution window are forgotten; clients' clocks cannot expire them", () => {
  const m = new OnlineMetrics(scope, catalog);
  m.add(shown("old", "champion", ["a1"]));
  // A click claiming to come two days later moves no clock: the list is still attributable.
  m.add(event({ type: "click", recommendationId: "old", timestamp: 1000 + 2 * 86_400 }));
  assert.equal(m.snapshot().champion.clicks, 1);
  m.add(shown("new", "champion", ["a1"], { timestamp: 1000 + 2 * 86_400 }));
  m.add(event({ type: "booking", recommendationId: "old", timestamp: 1000 + 2 * 86_400 }));
  const s = m.snapshot();
  assert.equal(s.unattributed, 1);
  assert.equal(s.champion.bookings, 0);
  assert.equal(m.toState().lists.length, 1);
});

test("memory stays bounded over a long experiment: open lists and sessions track the windows", () => {
  const settings = { attributionWindowS: 3600, sessionIdleS: 600 };
  const m = new OnlineMetrics(scope, catalog, settings);
  const rng = new Random(2);
  // Ten days, one list a minute, each in a new session with a click a minute later.
  let maxLists = 0;
  let maxSessions = 0;
  for (let k = 0; k < 14_400; k++) {
    const t = 1000 + 60 * k;
    const variant = rng.next() < 0.1 ? "canary" : "champion";
    m.add(shown(`r${k}`, variant, ["a1", "b2"], { sessionId: `s${k}`, timestamp: t }));
    m.add(event({ type: "click", recommendationId: `r${k}`, sessionId: `s${k}`, timestamp: t + 60 }));
    const s = m.snapshot();
    maxLists = Math.max(maxLists, s.openLists);
    maxSessions = Math.max(maxSessions, s.openSessions);
  }
  assert.ok(maxLists <= 61, `open lists ${maxLists}`);
  assert.ok(maxSessions <= 12, `open sessions ${maxSessions}`);
  const s = m.snapshot();
  assert.equal(s.champion.sessions + s.canary.sessions, 14_400);
  assert.equal(s.champion.minutesPerSession, 1);
  assert.equal(s.champion.clicks + s.canary.clicks, 14_400);
});

test("hard caps bound lists and sessions whatever the traffic, and count what they dropped", () => {
  const m = new OnlineMetrics(null, catalog, { maxOpenLists: 5, maxOpenSessions: 3 });
  for (let k = 0; k < 10; k++) m.add(shown(`r${k}`, "champion", ["a1"], { sessionId: `s${k}` }));
  const s = m.snapshot();
  assert.equal(s.openLists, 5);
  assert.equal(s.droppedLists, 5);
  assert.equal(s.openSessions, 3);
  assert.equal(s.droppedSessions, 7);
  assert.equal(s.champion.sessions, 10, "dropped sessions are closed, not lost");
});
