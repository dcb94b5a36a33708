import { TopK } from "../../math/top-k.js";
import type { ValidationUser } from "./blend-search.js";
import { type HybridPart, scoreItems } from "./hybrid-part.js";

/** Validation users scored per trial: enough to rank candidates, few enough to stay cheap. */
export const USERS_PER_TRIAL = 300;

/** An evenly spaced sample of at most `count` validation users who have history and held-out items. */
export function trialUsers(users: readonly ValidationUser[], count = USERS_PER_TRIAL): ValidationUser[] {
  const usable = users.filter((u) => u.history.items.length > 0 && u.relevant.length > 0);
  const step = Math.max(1, Math.floor(usable.length / count));
  return usable.filter((_, i) => i % step === 0).slice(0, count);
}

/** Mean nDCG@k of one part alone over validation users, their history left out of the ranking. */
export function partNdcg(part: HybridPart, users: readonly ValidationUser[], nItems: number, k = 10): number {
  const q = new Float32Array(part.dims);
  const scores = new Float32Array(nItems);
  const seen = new Uint8Array(nItems);
  const relevant = new Uint8Array(nItems);
  const top = new TopK(k);
  const ranked = new Int32Array(k);
  const rankedScores = new Float32Array(k);
  let total = 0;
  for (const user of users) {
    part.query(user.history, q);
    scoreItems(part.items, part.dims, q, scores);
    for (const item of user.history.items) seen[item] = 1;
    for (const item of user.relevant) relevant[item] = 1;
    top.reset();
    for (let i = 0; i < nItems; i++) if (seen[i] === 0) top.push(i, scores[i]);
    top.drainInto(ranked, rankedScores, 0);
    let dcg = 0;
    let ideal = 0;
    for (let r = 0; r < k; r++) {
      if (ranked[r] >= 0 && relevant[ranked[r]] === 1) dcg += 1 / Math.log2(r + 2);
      if (r < user.relevant.length) ideal += 1 / Math.log2(r + 2);
    }
    total += dcg / ideal;
    for (const item of user.history.items) seen[item] = 0;
    for (const item of user.relevant) relevant[item] = 0;
  }
  return users.length > 0 ? total / users.length : 0;
}
