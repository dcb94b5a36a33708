import { type CsrMatrix, hasEntry, rowLength } from "../core/csr.js";
import { PalateError } from "../core/errors.js";
import { type CategoryIndex, categoryDistance, type ItemCategories, toCategoryIndex } from "./categories.js";
import { evaluatedUsers, type Split } from "./splits.js";

/** Ranking metrics at k, averaged over evaluated users, plus beyond-accuracy measures. */
export interface RankingMetrics {
  k: number;
  precision: number;
  recall: number;
  ndcg: number;
  map: number;
  /** Share of users with at least one relevant item in their list. */
  hitRate: number;
  /** Distinct recommended items / catalogue size (or number of candidate items). */
  coverage: number;
  /** Mean intra-list distance (1 − Jaccard of categories); null without categories or pairs. */
  diversity: number | null;
  /** Mean −log2 of the training popularity of recommended items. */
  novelty: number;
  /** Users with test entries among those evaluated: the denominator of the accuracy metrics. */
  usersEvaluated: number;
  /** Evaluated users that got no recommendation (no list, or an empty one); they score zero. */
  usersMissing: number;
  /** Recommended slots holding an item the user had in train: non-zero means exclusion failed. */
  seenRecommended: number;
}

/** Options of `MetricsAccumulator`. */
export interface MetricsOptions {
  k: number;
  /** Users to evaluate; default: `split.evalUsers`, or every user with test entries. */
  users?: Int32Array;
  /** Item categories for intra-list diversity. */
  itemCategories?: ItemCategories;
}

// A user's progress through the accumulator.
const IGNORED = 0;
const PENDING = 1;
const DONE = 2;

/**
 * Computes every metric in one pass over top-k lists: `add` one list per user (from a recommender
 * batch or a predictions file), then `finish`. Relevance is binary: every test entry of a user is
 * relevant whatever its value. Lists for users outside the evaluated set are ignored.
 */
export class MetricsAccumulator {
  readonly k: number;
  private readonly train: CsrMatrix;
  private readonly test: CsrMatrix;
  private readonly state: Uint8Array;
  private readonly usersEvaluated: number;
  private readonly catalogueSize: number;
  /** Number of training users of each item, for novelty. */
  private readonly itemUsers: Int32Array;
  private readonly categories: CategoryIndex | null;
  /** Discount 1/log2(r+1) at rank r (from 1), and the ideal DCG of the first r ranks. */
  private readonly discount: Float64Array;
  private readonly idealDcg: Float64Array;
  /** `stamp[i] === listId` when item i is already in the current list (duplicates are skipped). */
  private readonly stamp: Int32Array;
  private readonly recommended: Uint8Array;
  private readonly list: Int32Array;
  private listId = 0;
  private distinct = 0;
  private sums = { precision: 0, recall: 0, ndcg: 0, map: 0, hits: 0, diversity: 0, novelty: 0 };
  private listsWithPairs = 0;
  private slots = 0;
  private seen = 0;

  constructor(
    split: Pick<Split, "train" | "test" | "evalUsers" | "candidateItems">,
    options: MetricsOptions,
  ) {
    const { k } = options;
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
    const { train, test } = split;
    if (train.nRows !== test.nRows || train.nCols !== test.nCols) {
      throw new PalateError(
        `train ${train.nRows}×${train.nCols} and test ${test.nRows}×${test.nCols} differ`,
      );
    }
    this.k = k;
    this.train = train;
    this.test = test;
    this.state = new Uint8Array(test.nRows);
    let evaluated = 0;
    for (const u of options.users ?? evaluatedUsers(split)) {
      if (u < 0 || u >= test.nRows) throw new RangeError(`user ${u} out of range [0, ${test.nRows})`);
      // Without test entries there is nothing to recall, so the user cannot be scored.
      if (this.state[u] === IGNORED && rowLength(test, u) > 0) {
        this.state[u] = PENDING;
        evaluated++;
      }
    }
    this.usersEvaluated = evaluated;
    this.catalogueSize = split.candidateItems ? split.candidateItems.length : train.nCols;
    this.itemUsers = new Int32Array(train.nCols);
    for (let e = 0; e < train.indices.length; e++) this.itemUsers[train.indices[e]]++;
    this.categories = options.itemCategories ? toCategoryIndex(options.itemCategories) : null;
    this.discount = new Float64Array(k + 1);
    this.idealDcg = new Float64Array(k + 1);
    for (let r = 1; r <= k; r++) {
      this.discount[r] = 1 / Math.log2(r + 1);
      this.idealDcg[r] = this.idealDcg[r - 1] + this.discount[r];
    }
    this.stamp = new Int32Array(train.nCols);
    this.recommended = new Uint8Array(train.nCols);
    this.list = new Int32Array(k);
  }

  /**
   * Scores one user's ranked list (only the first k slots; -1 slots and repeated items are
   * skipped but keep their rank). Returns false when the user is not evaluated.
   */
  add(userIndex: number, items: Int32Array): boolean {
    if (userIndex < 0 || userIndex >= this.state.length) {
      throw new RangeError(`user ${userIndex} out of range [0, ${this.state.length})`);
    }
    const state = this.state[userIndex];
    if (state === IGNORED) return false;
    if (state === DONE) throw new PalateError(`user ${userIndex} was added twice`);
    const listId = ++this.listId;
    const nItems = this.stamp.length;
    const depth = Math.min(this.k, items.length);
    let size = 0;
    let hits = 0;
    let dcg = 0;
    let ap = 0;
    for (let r = 0; r < depth; r++) {
      const item = items[r];
      if (item < 0) continue;
      if (item >= nItems) throw new RangeError(`item ${item} out of range [0, ${nItems})`);
      if (this.stamp[item] === listId) continue;
      this.stamp[item] = listId;
      this.list[size++] = item;
      if (hasEntry(this.test, userIndex, item)) {
        hits++;
        dcg += this.discount[r + 1];
        ap += hits / (r + 1);
      } else if (hasEntry(this.train, userIndex, item)) {
        this.seen++;
      }
    }
    // An empty list stays PENDING: `finish` counts it as missing, like a user never added.
    if (size === 0) return true;
    this.state[userIndex] = DONE;

    const relevant = rowLength(this.test, userIndex);
    const ideal = Math.min(relevant, this.k);
    this.sums.precision += hits / this.k;
    this.sums.recall += hits / relevant;
    this.sums.ndcg += dcg / this.idealDcg[ideal];
    this.sums.map += ap / ideal;
    if (hits > 0) this.sums.hits++;
    this.addBeyondAccuracy(size);
    return true;
  }

  /** Coverage, novelty and diversity of the list held in `this.list[0..size)`. */
  private addBeyondAccuracy(size: number): void {
    const nUsers = this.train.nRows;
    for (let i = 0; i < size; i++) {
      const item = this.list[i];
      if (this.recommended[item] === 0) {
        this.recommended[item] = 1;
        this.distinct++;
      }
      const users = this.itemUsers[item];
      // An item nobody trained on is rarer than any seen one: as if one more user were the first.
      const p = users > 0 ? users / nUsers : 1 / (nUsers + 1);
      this.sums.novelty -= Math.log2(p);
    }
    this.slots += size;
    if (this.categories && size >= 2) {
      let total = 0;
      for (let i = 0; i < size; i++) {
        for (let j = i + 1; j < size; j++)
          total += categoryDistance(this.categories, this.list[i], this.list[j]);
      }
      this.sums.diversity += total / ((size * (size - 1)) / 2);
      this.listsWithPairs++;
    }
  }

  /** The metrics over every evaluated user; users never added (or with empty lists) score zero. */
  finish(): RankingMetrics {
    let missing = 0;
    for (let u = 0; u < this.state.length; u++) if (this.state[u] === PENDING) missing++;
    const n = this.usersEvaluated;
    const mean = (sum: number): number => (n === 0 ? 0 : sum / n);
    return {
      k: this.k,
      precision: mean(this.sums.precision),
      recall: mean(this.sums.recall),
      ndcg: mean(this.sums.ndcg),
      map: mean(this.sums.map),
      hitRate: mean(this.sums.hits),
      coverage: this.catalogueSize === 0 ? 0 : this.distinct / this.catalogueSize,
      diversity:
        this.categories && this.listsWithPairs > 0 ? this.sums.diversity / this.listsWithPairs : null,
      novelty: this.slots === 0 ? 0 : this.sums.novelty / this.slots,
      usersEvaluated: n,
      usersMissing: missing,
      seenRecommended: this.seen,
    };
  }
}
