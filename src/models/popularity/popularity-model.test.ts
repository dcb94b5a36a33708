import assert from "node:assert/strict";
import { test } from "node:test";
import { runModelContract } from "../testing/model-contract.js";
import { checkerboard } from "../testing/synthetic.js";
import { PopularityModel } from "./popularity-model.js";

runModelContract("popularity", () => new PopularityModel());

test("popularity ranks items by distinct users, or by summed weight when asked", async () => {
  // 12 users × 10 items: each item has 6 same-parity users minus those who skipped it (user u
  // skips (u + 2) mod 10): items 2 and 3 are skipped by two users (0 and 10, 1 and 11), the rest
  // by one. Ties resolve by index; by weight item 0 (weight 3 from each of 5 users) leads.
  const data = checkerboard(12, 10);
  const byUsers = new PopularityModel();
  await byUsers.fit(data);
  assert.deepEqual([...byUsers.itemScores], [5, 5, 4, 4, 5, 5, 5, 5, 5, 5]);
  const top = byUsers.recommend(Int32Array.of(0), { k: 3 });
  assert.deepEqual([...top.items], [0, 1, 4]);

  const byWeight = new PopularityModel({ measure: "weight" });
  await byWeight.fit(data);
  assert.equal(byWeight.itemScores[0], 15);
  // User 1 (odd) has not seen item 0, so it comes first for them; user 0 has.
  assert.equal(byWeight.recommend(Int32Array.of(1), { k: 1 }).items[0], 0);
  assert.notEqual(byWeight.recommend(Int32Array.of(0), { k: 1, exclude: data.matrix }).items[0], 0);
});
