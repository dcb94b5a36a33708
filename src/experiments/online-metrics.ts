import type { LoggedEvent } from "../storage/events/event-log.js";
import type { CatalogFacts } from "./catalog-facts.js";
import { ExpiryQueue } from "./expiry-queue.js";
import { intraListDiversity } from "./list-diversity.js";
import {
  type Arm,
  type ArmTotals,
  DEFAULT_SETTINGS,
  emptyArm,
  type MetricsSnapshot,
  type OnlineMetricsSettings,
  type OnlineMetricsState,
  type VariantMetrics,
} from "./online-metrics-state.js";

export type {
  Arm,
  ArmTotals,
  MetricsSnapshot,
  OnlineMetricsSettings,
  OnlineMetricsState,
  VariantMetrics,
} from "./online-metrics-state.js";

const ARMS: readonly Arm[] = ["champion", "canary"];
const CLICKED = 1;
const BOOKED = 2;

/** An open list: [arm, clock when served, outcome bits]. */
type OpenList = [Arm, number, number];
/** An open session: [arm, first impression time, last event time, client events, clock when last active]. */
type OpenSession = [Arm, number, number, number, number];

/**
 * The online metrics of a canary experiment, fed the event log in order: per variant, lists
 * served ("impression" events), clicks and bookings attributed to them through
 * `recommendationId`, sessions, and the guardrails (intra-list diversity, catalogue coverage,
 * mean margin of recommended items). The state is JSON (`toState`/`fromState`), checkpointed
 * with the event-log cursor, so a restarted controller continues without double counting.
 *
 * Memory is bounded: a list stays attributable for the attribution window, a session until it has
 * been idle for the session timeout (both in event time), distinct-item sets are capped by the
 * catalogue size, and hard caps bound the rest whatever the traffic. Time comes from impressions
 * only — the server stamps them — so a client posting a skewed timestamp cannot expire anything.
 */
export class OnlineMetrics {
  private readonly catalog: CatalogFacts;
  private readonly scope: { champion: string; canary: string } | null;
  private readonly settings: OnlineMetricsSettings;
  private readonly arms: Record<Arm, Omit<ArmTotals, "items" | "pairedItems">>;
  private readonly items: Record<Arm, Set<string>> = { champion: new Set(), canary: new Set() };
  private readonly paired: Record<Arm, Set<string>> = { champion: new Set(), canary: new Set() };
  // Insertion order is age order: lists by serving time, sessions by last activity (re-inserted),
  // so the state lists them oldest first; the queues do the expiring.
  private readonly lists = new Map<string, OpenList>();
  private readonly sessions = new Map<string, OpenSession>();
  private readonly listQueue = new ExpiryQueue();
  private readonly sessionQueue = new ExpiryQueue();
  private clock = Number.NEGATIVE_INFINITY;
  private counters = {
    unattributed: 0,
    ignoredImpressions: 0,
    duplicateImpressions: 0,
    droppedLists: 0,
    droppedSessions: 0,
  };

  /** An empty aggregator for the versions under test (`null`: any version). */
  constructor(
    scope: { champion: string; canary: string } | null,
    catalog: CatalogFacts,
    settings: Partial<OnlineMetricsSettings> = {},
  ) {
    this.scope = scope;
    this.catalog = catalog;
    this.settings = { ...DEFAULT_SETTINGS, ...settings };
    this.arms = { champion: withoutSets(emptyArm()), canary: withoutSets(emptyArm()) };
  }

  /** Continues from a checkpointed state; `settings` override the stored ones from now on. */
  static fromState(
    state: OnlineMetricsState,
    catalog: CatalogFacts,
    settings: Partial<OnlineMetricsSettings> = {},
  ): OnlineMetrics {
    if (state?.version !== 1) throw new Error(`unknown online-metrics state version ${state?.version}`);
    const m = new OnlineMetrics(state.scope, catalog, { ...state.settings, ...settings });
    m.clock = state.clock ?? Number.NEGATIVE_INFINITY;
    for (const arm of ARMS) {
      m.arms[arm] = withoutSets(state.arms[arm]);
      for (const item of state.arms[arm].items) m.items[arm].add(item);
      for (const item of state.arms[arm].pairedItems) m.paired[arm].add(item);
    }
    for (const [id, arm, at, outcome] of state.lists) {
      m.lists.set(id, [arm, at, outcome]);
      m.listQueue.push(id, at);
    }
    for (const [id, arm, first, last, events, active] of state.sessions) {
      m.sessions.set(id, [arm, first, last, events, active]);
      m.sessionQueue.push(id, active);
    }
    m.counters = {
      unattributed: state.unattributed,
      ignoredImpressions: state.ignoredImpressions,
      duplicateImpressions: state.duplicateImpressions,
      droppedLists: state.droppedLists,
      droppedSessions: state.droppedSessions,
    };
    return m;
  }

  /** Folds one event in; events must come in log order. */
  add(event: LoggedEvent): void {
    if (event.type === "impression") this.impression(event);
    else if (event.recommendationId !== undefined) this.response(event);
    if (event.sessionId !== undefined) this.touchSession(event);
  }

  /** The JSON state to checkpoint (a copy: later events do not change it). */
  toState(): OnlineMetricsState {
    const arms = {} as Record<Arm, ArmTotals>;
    for (const arm of ARMS)
      arms[arm] = { ...this.arms[arm], items: [...this.items[arm]], pairedItems: [...this.paired[arm]] };
    return {
      version: 1,
      scope: this.scope === null ? null : { ...this.scope },
      settings: { ...this.settings },
      clock: Number.isFinite(this.clock) ? this.clock : 0,
      arms,
      lists: Array.from(this.lists, ([id, [arm, at, outcome]]) => [id, arm, at, outcome]),
      sessions: Array.from(this.sessions, ([id, s]) => [id, ...s]),
      ...this.counters,
    };
  }

  /** Per-variant metrics now, with their counts; open sessions count as they stand. */
  snapshot(): MetricsSnapshot {
    return {
      champion: this.metricsOf("champion"),
      canary: this.metricsOf("canary"),
      eventTime: Number.isFinite(this.clock) ? this.clock : 0,
      ...this.counters,
      openLists: this.lists.size,
      openSessions: this.sessions.size,
    };
  }

  private impression(event: LoggedEvent): void {
    const arm = event.variant;
    const id = event.recommendationId;
    const inScope =
      (arm === "champion" || arm === "canary") &&
      id !== undefined &&
      (this.scope === null || event.modelVersion === this.scope[arm]);
    if (!inScope) {
      // Lists of other versions (an earlier experiment) are not this experiment's evidence.
      this.counters.ignoredImpressions++;
      return;
    }
    if (event.timestamp > this.clock) this.clock = event.timestamp;
    this.expire();
    if (this.lists.has(id)) {
      this.counters.duplicateImpressions++;
      return;
    }
    const totals = this.arms[arm];
    totals.impressions++;
    const items = event.items ?? [];
    const diversity = intraListDiversity(items, (item) => this.catalog.categoryOf(item));
    if (diversity !== null) {
      totals.diversitySum += diversity;
      totals.diversityLists++;
    }
    // The paired sample takes an arm's list only while that arm is not ahead of the other, so
    // both samples have the same number of lists, spread over the same period.
    const other = arm === "champion" ? "canary" : "champion";
    const pairedToo = totals.pairedImpressions <= this.arms[other].pairedImpressions;
    if (pairedToo) totals.pairedImpressions++;
    for (const item of items) {
      const margin = this.catalog.marginOf(item);
      if (margin !== undefined) {
        totals.marginSum += margin;
        totals.marginItems++;
      }
      this.remember(this.items[arm], item);
      if (pairedToo) this.remember(this.paired[arm], item);
    }
    this.lists.set(id, [arm, this.clock, 0]);
    this.listQueue.push(id, this.clock);
    while (this.lists.size > this.settings.maxOpenLists) {
      this.listQueue.popOldest((old) => {
        if (this.lists.delete(old)) this.counters.droppedLists++;
      });
    }
    if (event.sessionId !== undefined && !this.sessions.has(event.sessionId)) {
      this.sessions.set(event.sessionId, [arm, event.timestamp, event.timestamp, 0, this.clock]);
      this.sessionQueue.push(event.sessionId, this.clock);
      while (this.sessions.size > this.settings.maxOpenSessions) {
        this.sessionQueue.popOldest((old, active) => {
          if (this.sessions.get(old)?.[4] !== active) return;
          this.closeSession(old);
          this.counters.droppedSessions++;
        });
      }
    }
  }

  private response(event: LoggedEvent): void {
    const list = this.lists.get(event.recommendationId as string);
    if (!list) {
      this.counters.unattributed++;
      return;
    }
    const totals = this.arms[list[0]];
    if (event.type === "click") {
      totals.clicks++;
      if ((list[2] & CLICKED) === 0) totals.clickedImpressions++;
      list[2] |= CLICKED;
    } else if (event.type === "booking") {
      totals.bookings++;
      if ((list[2] & BOOKED) === 0) totals.bookedImpressions++;
      list[2] |= BOOKED;
    }
  }

  private touchSession(event: LoggedEvent): void {
    const id = event.sessionId as string;
    const session = this.sessions.get(id);
    if (!session) return;
    if (event.timestamp > session[2]) session[2] = event.timestamp;
    if (event.type !== "impression") session[3]++;
    if (session[4] === this.clock) return;
    session[4] = this.clock;
    // Re-inserting moves the session to the back: the map stays in order of last activity. The
    // queue's older entry for it goes stale and is skipped when it comes out.
    this.sessions.delete(id);
    this.sessions.set(id, session);
    this.sessionQueue.push(id, this.clock);
  }

  private expire(): void {
    this.listQueue.popBefore(this.clock - this.settings.attributionWindowS, (id, at) => {
      if (this.lists.get(id)?.[1] === at) this.lists.delete(id);
    });
    this.sessionQueue.popBefore(this.clock - this.settings.sessionIdleS, (id, active) => {
      // A stale entry: the session was active again since, or is already closed.
      if (this.sessions.get(id)?.[4] === active) this.closeSession(id);
    });
  }

  private closeSession(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    const [arm, first, last, events] = session;
    const totals = this.arms[arm];
    totals.sessions++;
    totals.sessionEvents += events;
    totals.sessionSeconds += last - first;
    this.sessions.delete(id);
  }

  private remember(set: Set<string>, item: string): void {
    // Bounded by the catalogue: ids beyond it (a catalogue that shrank) add nothing to coverage.
    if (set.size < this.catalog.size || set.has(item)) set.add(item);
  }

  private metricsOf(arm: Arm): VariantMetrics {
    const t = this.arms[arm];
    let sessions = t.sessions;
    let events = t.sessionEvents;
    let seconds = t.sessionSeconds;
    for (const [a, first, last, n] of this.sessions.values()) {
      if (a !== arm) continue;
      sessions++;
      events += n;
      seconds += last - first;
    }
    const per = (x: number, n: number) => (n === 0 ? 0 : x / n);
    const share = (n: number) => (this.catalog.size > 0 ? Math.min(1, n / this.catalog.size) : null);
    return {
      impressions: t.impressions,
      clickedImpressions: t.clickedImpressions,
      bookedImpressions: t.bookedImpressions,
      ctr: per(t.clickedImpressions, t.impressions),
      bookingRate: per(t.bookedImpressions, t.impressions),
      clicks: t.clicks,
      bookings: t.bookings,
      clicksPerImpression: per(t.clicks, t.impressions),
      bookingsPerImpression: per(t.bookings, t.impressions),
      diversity: t.diversityLists === 0 ? null : t.diversitySum / t.diversityLists,
      diversityLists: t.diversityLists,
      coverage: share(this.items[arm].size),
      distinctItems: this.items[arm].size,
      pairedCoverage: share(this.paired[arm].size),
      pairedImpressions: t.pairedImpressions,
      meanMargin: t.marginItems === 0 ? null : t.marginSum / t.marginItems,
      marginItems: t.marginItems,
      sessions,
      eventsPerSession: per(events, sessions),
      minutesPerSession: per(seconds / 60, sessions),
    };
  }
}

function withoutSets(totals: ArmTotals): Omit<ArmTotals, "items" | "pairedItems"> {
  const { items: _items, pairedItems: _paired, ...rest } = totals;
  return { ...rest };
}
