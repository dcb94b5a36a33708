import assert from "node:assert/strict";
import { test } from "node:test";
import { IdDictionary } from "./id-dictionary.js";

test("IdDictionary assigns dense indices in insertion order and maps back", () => {
  const dict = IdDictionary.from(["b", "a", "b", "c"]);
  assert.equal(dict.size, 3);
  assert.equal(dict.indexOf("b"), 0);
  assert.equal(dict.indexOf("a"), 1);
  assert.equal(dict.indexOf("zzz"), -1);
  assert.equal(dict.idAt(2), "c");
  assert.deepEqual(dict.toArray(), ["b", "a", "c"]);
  assert.throws(() => dict.idAt(3), RangeError);
});
