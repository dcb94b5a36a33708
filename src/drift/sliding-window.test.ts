import assert from "node:assert/strict";
import { test } from "node:test";
import { BinnedWindow, SampleWindow } from "./sliding-window.js";

test("a binned window forgets counts once they leave the window", () => {
  let now = 0;
  const w = new BinnedWindow(3, { windowMs: 60_000, buckets: 6 }, () => now);
  w.add(0);
  w.add(2, 2);
  now = 30_000;
  w.add(1);
  assert.deepEqual(w.counts(), [1, 1, 2]);
  now = 60_000; // the first 10 s bucket is out of the window now
  assert.deepEqual(w.counts(), [0, 1, 0]);
  now = 95_000;
  assert.deepEqual(w.counts(), [0, 0, 0]);
  w.add(5); // out-of-range bins are ignored
  assert.deepEqual(w.counts(), [0, 0, 0]);
});

test("a sample window keeps at most its capacity per bucket and counts everything seen", () => {
  let now = 0;
  const w = new SampleWindow(10, { windowMs: 1000, buckets: 2 }, () => now, 3);
  for (let i = 0; i < 100; i++) w.add(i);
  assert.equal(w.seen(), 100);
  assert.equal(w.sorted().length, 10);
  now = 600;
  w.add(-1);
  assert.equal(w.sorted().length, 11);
  assert.equal(w.sorted()[0], -1);
  now = 1000; // the first bucket has left the window
  assert.deepEqual(Array.from(w.sorted()), [-1]);
  assert.equal(w.seen(), 1);
});

test("reservoirs are deterministic for a seed", () => {
  const run = () => {
    const w = new SampleWindow(5, { windowMs: 1000, buckets: 1 }, () => 0, 9);
    for (let i = 0; i < 1000; i++) w.add(i);
    return Array.from(w.sorted());
  };
  assert.deepEqual(run(), run());
});
