import { randomUUID } from "node:crypto";
import type { Item } from "../core/types.js";
import { periodAt } from "../data/city/meal-time.js";
import { variantOf } from "../experiments/assignment.js";
import type { ExperimentState } from "../storage/state/state-store.js";
import { candidateFilter, type FilterRules } from "./candidate-filter.js";
import { contextPool, retrieveInContext } from "./context-popularity.js";
import type { GuardedFeatureStore } from "./guarded-feature-store.js";
import { mmrRerank } from "./mmr.js";
import { PopularLists } from "./popular-lists.js";
import { applicableList, rankPrecomputed, type StoredList } from "./precomputed-lists.js";
import { LocalRecentEvents, mergeRecent, weightedRecent } from "./recent-events.js";
import { fallbackOf, type RecommendRequest, type RecommendResult, type Source } from "./recommend-types.js";
import { homeOf, preferencesAsUser, resultKey, seenItems } from "./request-user.js";
import type { Reason, ServingModel } from "./serving-model.js";
import { type SimilarItem, similarItems } from "./similar-items.js";
import { TtlLruCache } from "./ttl-lru-cache.js";

/** The experiment variants. */
export type Variant = "champion" | "canary";

/** The models a replica serves: the champion and, during an experiment, the canary. */
export interface ModelSet {
  champion: ServingModel;
  canary: ServingModel | null;
  experiment: ExperimentState | null;
}

/** Tunables of the recommendation path. */
export interface RecommendOptions {
  /** The per-request deadline; the feature-store read gets what is left of it. */
  deadlineMs: number;
  cache: { maxEntries: number; ttlMs: number };
}

/** Defaults: the 50 ms deadline; caches sized for the busy head of the catalogue. */
export const RECOMMEND_DEFAULTS: RecommendOptions = {
  deadlineMs: 50,
  cache: { maxEntries: 10_000, ttlMs: 60_000 },
};

/** A list the service computed (cache hits are not re-observed), for observers such as drift detection. */
export interface ServedList {
  model: ServingModel;
  variant: Variant;
  request: RecommendRequest;
  /** Whether the scores are the model's inner products (false for popularity fallbacks). */
  personalised: boolean;
  items: readonly { item: number; score: number }[];
  /** The user's index in the model (−1: a user the model was not trained on). */
  userIndex: number;
}

/** A candidate as ranked: `shift` and `reasons` as in `RankedEntry`, when the path knows them. */
type RankedCandidate = { item: number; score: number; shift?: number; reasons?: number };

/** No items: the seen or excluded set of a request that has none. */
const NO_ITEMS: ReadonlySet<number> = new Set();

/** The reasons of a popularity answer (shared: answers never change them). */
const POPULARITY_REASONS: readonly Reason[] = Object.freeze(["popularity"] as const);

/** Cache lookups reported to metrics: which cache and whether it hit. */
export type CacheObserver = (cache: "popular" | "user" | "similar" | "precomputed", hit: boolean) => void;

/**
 * The recommendation path of the blueprint, shared by every route that recommends: user state
 * (stored vector, fold-in of recent events, declared preferences) → candidates from the one inner
 * product → filters → optional MMR → reasons; with the fallback chain cached events → context
 * popularity → global popularity when the feature store fails or knows nothing of the user.
 */
export class RecommendService {
  private models: ModelSet;
  readonly store: GuardedFeatureStore;
  readonly recent: LocalRecentEvents;
  readonly popular: PopularLists;
  private readonly userResults: TtlLruCache<
    Omit<RecommendResult, "recommendationId" | "cached" | "timings" | "variant">
  >;
  private readonly similarLists: TtlLruCache<SimilarItem[]>;
  private readonly options: RecommendOptions;
  private readonly observeCache: CacheObserver;
  /** Called with every list computed; must not throw (drift detection listens here). */
  onServed: ((list: ServedList) => void) | null = null;

  constructor(
    models: ServingModel | ModelSet,
    store: GuardedFeatureStore,
    options: Partial<RecommendOptions> = {},
    observeCache?: CacheObserver,
  ) {
    this.models = "champion" in models ? models : { champion: models, canary: null, experiment: null };
    this.store = store;
    this.options = { ...RECOMMEND_DEFAULTS, ...options };
    this.observeCache = observeCache ?? (() => {});
    this.recent = new LocalRecentEvents({ maxUsers: 100_000, ttlMs: 3_600_000 });
    this.popular = new PopularLists(this.options.cache, (hit) => this.observeCache("popular", hit));
    this.userResults = new TtlLruCache(this.options.cache);
    this.similarLists = new TtlLruCache(this.options.cache);
  }

  /** The champion: what non-experiment paths (similar items, KServe metadata) serve. */
  get model(): ServingModel {
    return this.models.champion;
  }

  /** The champion and, during an experiment, the canary. */
  get modelSet(): ModelSet {
    return this.models;
  }

  /** Serves `model` from now on (a hot swap: requests in flight finish on the old one). */
  swapModel(model: ServingModel): void {
    this.swapModels({ champion: model, canary: null, experiment: null });
  }

  /** Serves a champion and canary from now on (a hot swap, as swapModel). */
  swapModels(models: ModelSet): void {
    this.models = models;
    this.catalogChanged();
  }

  /** The variant a user is assigned to, and the model that serves it (sticky per experiment). */
  route(userId: string): { variant: Variant; model: ServingModel } {
    const { champion, canary, experiment } = this.models;
    if (
      canary &&
      experiment &&
      !experiment.paused &&
      variantOf(userId, experiment.id, experiment.percent) === "canary"
    ) {
      return { variant: "canary", model: canary };
    }
    return { variant: "champion", model: champion };
  }

  /** Adds or updates an item in every served model (champion and canary), then drops caches. */
  upsertItem(item: Item): { index: number; added: boolean } {
    const { champion, canary } = this.models;
    canary?.upsertItem(item);
    const result = champion.upsertItem(item);
    this.catalogChanged();
    return result;
  }

  /** Deletes an item from every served model; false when no model knows it. */
  deleteItem(itemId: string): boolean {
    const { champion, canary } = this.models;
    const known = [champion, canary].map((m) => m?.catalog.delete(itemId) ?? false);
    this.catalogChanged();
    return known.some(Boolean);
  }

  /** Drops cached lists after the catalogue changed (an item added or deleted). */
  catalogChanged(): void {
    this.popular.clear();
    this.userResults.clear();
    this.similarLists.clear();
  }

  /** Items similar to `itemId` (cached: the popular head of the catalogue draws most lookups); null when unknown. */
  similar(itemId: string, k: number): SimilarItem[] | null {
    const model = this.model;
    const item = model.catalog.ids.indexOf(itemId);
    if (item < 0 || model.catalog.isDeleted(item)) return null;
    const key = `${model.version}|${item}|${k}`;
    const cached = this.similarLists.get(key);
    this.observeCache("similar", cached !== undefined);
    if (cached) return cached;
    const found = similarItems(model, item, k);
    this.similarLists.set(key, found);
    return found;
  }

  async recommend(request: RecommendRequest): Promise<RecommendResult> {
    const started = performance.now();
    const { variant, model } = this.route(request.userId);
    const features = await this.store.getUser(request.userId, model.version, this.options.deadlineMs);
    const fetched = performance.now();
    const stored = typeof features === "string" ? null : features;
    const local = this.recent.get(request.userId);
    const recent = stored ? mergeRecent(local, stored.recent) : local;
    const prefs = stored?.preferences ?? null;
    const userIndex = model.users.indexOf(request.userId);
    const weighted = weightedRecent(model.catalog, recent);
    const timings = { features: (fetched - started) / 1000, retrieval: 0, filters: 0 };
    // A plain request of a user with a pushed list ranks that list: cheaper to redo than to cache
    // (at a million users the result cache hit 1.6% of such requests), so it skips the cache.
    const storedVector = stored?.vector?.length === model.dims ? stored.vector : null;
    const list =
      weighted.length === 0 && storedVector
        ? applicableList(stored?.list ?? null, request, prefs, () => this.observeCache("precomputed", false))
        : null;
    const key = list
      ? null
      : resultKey(request, model.version, recent, stored ? JSON.stringify(prefs) : "failed");
    if (key !== null) {
      const hit = this.userResults.get(key);
      this.observeCache("user", hit !== undefined);
      if (hit) return { ...hit, variant, recommendationId: randomUUID(), cached: true, timings };
    }

    const seen = () => seenItems(model.trainedItems(userIndex), weighted);
    const rules: FilterRules = {
      // A pushed list holds no item the user trained on (the push leaves them out), and it only
      // answers users without recent events: the seen set is built when another path needs it.
      seen: list ? NO_ITEMS : seen(),
      exclude:
        request.exclude.length === 0
          ? NO_ITEMS
          : new Set(request.exclude.map((id) => model.catalog.ids.indexOf(id)).filter((i) => i >= 0)),
      near: request.near,
      mealPeriod: request.at === undefined ? undefined : periodAt(request.at),
    };
    let source: Source;
    let q: Float32Array | null = null;
    if (weighted.length > 0 || (!stored && userIndex >= 0)) {
      source = stored ? "fold-in" : "cached-events";
      q = model.queryFor(userIndex, weighted);
    } else if (storedVector) {
      source = "stored-vector";
      q = storedVector;
    } else if (userIndex >= 0) {
      source = "model";
      q = model.queryFor(userIndex, []);
    } else if (stored?.preferences) {
      source = "preferences";
      q = model.queryFor(-1, [], preferencesAsUser(request.userId, stored.preferences));
    } else {
      source = request.near || request.at !== undefined ? "context-popularity" : "global-popularity";
    }

    const retrieved = performance.now();
    let items: RankedCandidate[];
    let known: { lat: number; lon: number } | null | undefined;
    // Read from the user's metadata only when a path needs it (a list without additions does not).
    const home = () => {
      if (known === undefined)
        known = homeOf(userIndex >= 0 ? model.hybrid.learned.userMeta[userIndex] : undefined, prefs);
      return known;
    };
    if (q) items = this.personal(model, q, request, rules, home, list && { list, seen });
    else items = this.popular.top(model, rules, rules, request.k);
    const done = performance.now();
    this.onServed?.({ model, variant, request, userIndex, personalised: q !== null, items });
    const result = {
      userId: request.userId,
      modelVersion: model.version,
      source,
      fallback: fallbackOf(source),
      items: items.map(({ item, score, shift, reasons }) => ({
        itemId: model.catalog.ids.idAt(item),
        score,
        reasons: !q
          ? POPULARITY_REASONS
          : reasons !== undefined && reasons >= 0
            ? model.reasonsOfCode(reasons)
            : model.reasonsFor(q, item, shift ?? 0),
      })),
    };
    if (key !== null) this.userResults.set(key, result);
    timings.retrieval = (done - retrieved) / 1000;
    timings.filters = (retrieved - fetched) / 1000;
    return { ...result, variant, recommendationId: randomUUID(), cached: false, timings };
  }

  private personal(
    model: ServingModel,
    q: Float32Array,
    request: RecommendRequest,
    rules: FilterRules,
    home: () => { lat: number; lon: number } | null,
    precomputed: { list: StoredList; seen: () => ReadonlySet<number> } | null,
  ): RankedCandidate[] {
    if (precomputed) {
      const accept = candidateFilter(model.catalog, rules);
      const ranked = rankPrecomputed(model, q, precomputed.list, accept, home, request.k);
      this.observeCache("precomputed", ranked !== null);
      if (ranked) return ranked;
      // The index path filters what the user has seen.
      rules = { ...rules, seen: precomputed.seen() };
    }
    const accept = candidateFilter(model.catalog, rules);
    const pool = request.diversity > 0 ? Math.max(5 * request.k, 50) : request.k;
    // With a context, the popularity component uses the trained per-context prior (if any). A
    // request without a place is asked from the user's declared home (the filters stay as asked),
    // the context the blend weights were learned in (docs/models.md).
    const from = rules.near ? null : home();
    const context = from ? { mealPeriod: rules.mealPeriod, near: { ...from, radiusKm: 0 } } : rules;
    const rejects = rules.seen.size + rules.exclude.size;
    const found = retrieveInContext(model, q, pool, accept, context, contextPool(pool), rejects);
    let order = Array.from(found.items.keys());
    if (request.diversity > 0) {
      order = mmrRerank(
        found.items,
        found.scores,
        model.itemVectors,
        model.dims,
        request.k,
        request.diversity,
      );
    }
    return order
      .slice(0, request.k)
      .map((c) => ({ item: found.items[c], score: found.scores[c], shift: found.shifts?.[c] ?? 0 }));
  }
}
