import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InputError } from "../../core/errors.js";
import type { EventSink, LoggedEvent } from "./event-log.js";
import { makeEvents, readAllEvents } from "./testing/make-events.js";

/** Hooks a backend gives the contract beyond opening a fresh sink. */
export interface EventSinkContractOptions {
  /** Opens another handle on the data behind `sink` (which may be closed); omit when data dies with it. */
  reopen?: (sink: EventSink) => Promise<EventSink>;
}

/**
 * Registers the node:test suite every `EventSink` backend must pass. `open` must return a fresh,
 * empty sink on each call; the contract closes what it opens.
 */
export function runEventSinkContract(
  name: string,
  open: () => Promise<EventSink>,
  options: EventSinkContractOptions = {},
): void {
  async function withSink(body: (sink: EventSink) => Promise<void>): Promise<void> {
    const sink = await open();
    try {
      await body(sink);
    } finally {
      await sink.close();
    }
  }

  describe(`EventSink contract: ${name}`, () => {
    it("starts empty, and reading an empty log keeps the cursor", () =>
      withSink(async (sink) => {
        assert.equal(await sink.count(), 0);
        assert.deepEqual(await sink.read("", 10), { events: [], cursor: "" });
        await sink.append([]);
        assert.equal(await sink.count(), 0);
      }));

    it("reads back in append order across batches", () =>
      withSink(async (sink) => {
        const batches = [makeEvents(3, "b"), makeEvents(1, "a"), makeEvents(5, "c")];
        for (const batch of batches) await sink.append(batch);
        assert.equal(await sink.count(), 9);
        assert.deepEqual(await readAllEvents(sink), batches.flat());
      }));

    it("pages with the cursor: every event once, at most `limit` per page", () =>
      withSink(async (sink) => {
        const all = makeEvents(25);
        await sink.append(all);
        const sizes: number[] = [];
        const seen: LoggedEvent[] = [];
        let cursor = "";
        for (;;) {
          const page = await sink.read(cursor, 7);
          if (page.events.length === 0) {
            assert.equal(page.cursor, cursor, "an empty page keeps the cursor");
            break;
          }
          sizes.push(page.events.length);
          seen.push(...page.events);
          assert.notEqual(page.cursor, cursor);
          cursor = page.cursor;
        }
        assert.deepEqual(sizes, [7, 7, 7, 4]);
        assert.deepEqual(seen, all);
        assert.deepEqual(await readAllEvents(sink, 1), all);
      }));

    it("continues from a cursor after more appends (the ingest's incremental read)", () =>
      withSink(async (sink) => {
        await sink.append(makeEvents(4));
        const first = await sink.read("", 100);
        assert.equal(first.events.length, 4);
        await sink.append(makeEvents(3, "p", 4));
        const next = await sink.read(first.cursor, 100);
        assert.deepEqual(next.events, makeEvents(3, "p", 4));
        assert.deepEqual(await sink.read(next.cursor, 100), { events: [], cursor: next.cursor });
      }));

    it("is idempotent by event id: a repeated id is stored once, where it was first appended", () =>
      withSink(async (sink) => {
        const [a, b, c] = makeEvents(3);
        await sink.append([a, b]);
        await sink.append([a, b]);
        await sink.append([b, c, { ...a, type: "changed" }]);
        await sink.append([c, c]);
        assert.equal(await sink.count(), 3);
        assert.deepEqual(await readAllEvents(sink), [a, b, c]);
      }));

    it("deduplicates across a large replayed batch: the new events land in order, once", () =>
      withSink(async (sink) => {
        const events = makeEvents(150);
        // A batch that got half-way (its first 100), then the whole batch again, twice.
        await sink.append(events.slice(0, 100));
        await sink.append(events);
        await sink.append([...events.slice(120), ...events.slice(0, 120)]);
        assert.equal(await sink.count(), 150);
        assert.deepEqual(await readAllEvents(sink), events);
      }));

    it("round-trips optional fields: absent stays absent, undefined is absent, 0 stays 0", () =>
      withSink(async (sink) => {
        const base = makeEvents(6);
        const batch: LoggedEvent[] = [
          { ...base[0], value: undefined, recommendationId: undefined, sessionId: undefined },
          { ...base[1], value: 0, recommendationId: "rec-1", sessionId: "sess-1" },
          { ...base[2], value: -1.5e-300, timestamp: 0.1 + 0.2, receivedAt: 1_700_000_000_123 },
          { ...base[3], value: 1e300, timestamp: 1_700_000_000.25, sessionId: "only-session" },
          { ...base[4], recommendationId: "only-rec" },
        ];
        const { value: _unused, ...noValue } = base[5];
        batch.push(noValue);
        await sink.append(batch);
        const back = await readAllEvents(sink);
        const { value: _zero, ...firstWithoutValue } = base[0];
        assert.deepEqual(back[0], firstWithoutValue, "undefined optional fields come back absent");
        assert.deepEqual(back.slice(1, 5), batch.slice(1, 5));
        assert.deepEqual(back[5], noValue);
        assert.ok(!("value" in back[5]));
      }));

    it("round-trips impressions: variant, model version and the items shown, in order", () =>
      withSink(async (sink) => {
        const [base] = makeEvents(1);
        const impression: LoggedEvent = {
          ...base,
          type: "impression",
          variant: "canary",
          modelVersion: "v-2",
          items: ["b", "a", "c:\u00e9"],
          recommendationId: "rec-9",
        };
        await sink.append([impression]);
        assert.deepEqual(await readAllEvents(sink), [impression]);
      }));

    it("round-trips ids exactly, unicode and quotes included", () =>
      withSink(async (sink) => {
        const ids = [
          "café",
          "cafe\u0301",
          "用户-42",
          "🍜 ramen 🍣",
          "'; DROP TABLE events; --",
          'a "quoted" \\ back\\slash\ttab\nline \u0001 [1,"x"]',
          "x".repeat(256),
        ];
        const batch = ids.map(
          (id, i): LoggedEvent => ({
            eventId: `id-${id.slice(0, 40)}-${i}`,
            type: "réservation",
            userId: id,
            itemId: ids[ids.length - 1 - i],
            timestamp: i,
            receivedAt: i * 1000,
            sessionId: id,
          }),
        );
        await sink.append(batch);
        assert.deepEqual(await readAllEvents(sink), batch);
      }));

    it("rejects a malformed batch as a whole and bad read arguments", () =>
      withSink(async (sink) => {
        const good = makeEvents(2);
        await sink.append(good);
        const bad = [makeEvents(1, "q")[0], { ...makeEvents(1, "r")[0], timestamp: Number.NaN }];
        await assert.rejects(sink.append(bad), InputError);
        await assert.rejects(sink.append([{ ...good[0], eventId: "" }]), InputError);
        // No UTF-8 encoding can store half a surrogate pair: refused, never stored altered.
        await assert.rejects(sink.append([{ ...good[0], sessionId: "s\ud800" }]), /sessionId.*unpaired/);
        await assert.rejects(sink.append([{ ...good[0], items: ["a", "\udc00b"] }]), /items.*unpaired/);
        assert.equal(await sink.count(), 2);
        for (const limit of [0, -1, 1.5, Number.NaN]) await assert.rejects(sink.read("", limit), InputError);
        for (const cursor of ["nonsense", "-1", "1.5", "1-2-3"])
          await assert.rejects(sink.read(cursor, 10), InputError);
      }));

    it("appends a 20k batch and reads it back in order", () =>
      withSink(async (sink) => {
        const big = makeEvents(20_000);
        await sink.append(big);
        assert.equal(await sink.count(), 20_000);
        const back = await readAllEvents(sink, 5000);
        assert.equal(back.length, 20_000);
        for (let i = 0; i < back.length; i += 997) assert.deepEqual(back[i], big[i]);
        assert.deepEqual(back[back.length - 1], big[big.length - 1]);
      }));

    it("keeps its data and deduplication across close and reopen", {
      skip: options.reopen === undefined,
    }, async () => {
      const first = await open();
      await first.append(makeEvents(5));
      await first.close();
      const second = await options.reopen!(first);
      try {
        await second.append(makeEvents(8));
        assert.equal(await second.count(), 8);
        assert.deepEqual(await readAllEvents(second), makeEvents(8));
      } finally {
        await second.close();
      }
    });

    it("fails after close", () =>
      open().then(async (sink) => {
        await sink.close();
        await sink.close();
        await assert.rejects(sink.append(makeEvents(1)));
        await assert.rejects(sink.read("", 1));
      }));
  });
}
