import assert from "node:assert/strict";
import { test } from "node:test";
import { IdDictionary } from "../../core/id-dictionary.js";
import { IdIndexCache } from "./id-index-cache.js";

test("always answers as the dictionary does, whatever the id's shape", () => {
  const dictionary = new IdDictionary();
  dictionary.add("u7"); // added behind the cache's back, like items from a catalogue file
  const cache = new IdIndexCache(dictionary);
  const ids = [
    "u1",
    "u01",
    "u001",
    "1",
    "01",
    "r1",
    "x",
    "a1b2",
    "a1c2",
    "u99999999999",
    "u4194304",
    "u7",
    "",
    "z1",
    "y1",
  ];
  for (const id of ids) {
    assert.equal(cache.indexOf(id), dictionary.indexOf(id), `before adding ${JSON.stringify(id)}`);
    const index = cache.add(id);
    assert.equal(index, dictionary.indexOf(id));
    assert.equal(cache.indexOf(id), index);
  }
  for (const id of ids) assert.equal(cache.indexOf(id), dictionary.indexOf(id), id);
  assert.equal(cache.indexOf("u2"), -1);
  assert.equal(cache.indexOf("u0001"), -1);
  assert.equal(dictionary.size, ids.length);
});

test("large dense numeric ranges stay consistent as tables grow", () => {
  const dictionary = new IdDictionary();
  const cache = new IdIndexCache(dictionary);
  for (let i = 0; i < 50_000; i += 3) cache.add(`u${String(i).padStart(6, "0")}`);
  for (let i = 0; i < 50_000; i++) {
    const id = `u${String(i).padStart(6, "0")}`;
    assert.equal(cache.indexOf(id), i % 3 === 0 ? i / 3 : -1);
  }
});
