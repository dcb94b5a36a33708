import { randomUUID } from "node:crypto";
import { TokenBucket } from "../core/token-bucket.js";
import type { Item } from "../core/types.js";
import { periodAt } from "../data/city/meal-time.js";
import { variantOf } from "../experiments/assignment.js";
import type { ExperimentState } from "../storage/state/state-store.js";
import type { FilterRules } from "./candidate-filter.js";
import type { GuardedFeatureStore } from "./guarded-feature-store.js";
import { type RankedCandidate, rankPersonal } from "./personal-ranking.js";
import { PopularLists } from "./popular-lists.js";
import { applicableList } from "./precomputed-lists.js";
import { LocalRecentEvents, mergeRecent, weightedRecent } from "./recent-events.js";
import { fallbackOf, type RecommendRequest, type RecommendResult } from "./recommend-types.js";
import { homeOf, resultKey, seenItems, userQuery } from "./request-user.js";
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
  /**
   * Index searches per second (burst: one second's worth) for users the feature store could not
   * answer; beyond it they get the popularity fallback. When Redis fails at peak every request
   * becomes such a search (≈ 1 ms against ≈ 0.1 ms for a pushed list), and unbounded they would
   * saturate the process, so the budget keeps an outage from turning into a latency collapse.
   */
  fallbackSearchesPerSecond: number;
  /** Milliseconds, for the fallback budget (tests drive it by hand). */
  now: () => number;
}

/** Defaults: the 50 ms deadline; caches sized for the busy head of the catalogue. */
export const RECOMMEND_DEFAULTS: RecommendOptions = {
  deadlineMs: 50,
  cache: { maxEntries: 10_000, ttlMs: 60_000 },
  // ≈ 20% of a core at ≈ 1 ms a search: the rest of the core keeps serving the popularity fallback.
  fallbackSearchesPerSecond: 200,
  now: () => performance.now(),
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
  private readonly fallbackSearches: TokenBucket;
  /** Called when a fallback search was over budget and popularity answered instead (metrics). */
  onFallbackShed: (() => void) | null = null;
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
    const rate = this.options.fallbackSearchesPerSecond;
    this.fallbackSearches = new TokenBucket(rate, rate, this.options.now());
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
    const { source, q, shed } = userQuery(model, {
      request,
      userIndex,
      weighted,
      stored,
      storedVector,
      mayFallbackSearch: () => this.withinFallbackBudget(),
    });

    const retrieved = performance.now();
    let items: RankedCandidate[];
    let known: { lat: number; lon: number } | null | undefined;
    // Read from the user's metadata only when a path needs it (a list without additions does not).
    const home = () => {
      if (known === undefined)
        known = homeOf(userIndex >= 0 ? model.hybrid.learned.userMeta[userIndex] : undefined, prefs);
      return known;
    };
    if (q) {
      const precomputed = list && { list, seen };
      const observe = (hit: boolean) => this.observeCache("precomputed", hit);
      items = rankPersonal(model, q, request, rules, home, precomputed, observe);
    } else items = this.popular.top(model, rules, rules, request.k);
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
    // A shed answer is not this user's list: the next request may be within budget again.
    if (key !== null && !shed) this.userResults.set(key, result);
    timings.retrieval = (done - retrieved) / 1000;
    timings.filters = (retrieved - fetched) / 1000;
    return { ...result, variant, recommendationId: randomUUID(), cached: false, timings };
  }

  /** Whether a fallback search may run now (takes a token). */
  private withinFallbackBudget(): boolean {
    if (this.fallbackSearches.take(this.options.now())) return true;
    this.onFallbackShed?.();
    return false;
  }
}
