import type { LoggedEvent } from "../storage/events/event-log.js";
import type { CatalogFacts } from "./controller.js";

/** Clicks and bookings are attributed to lists served at most this long before (event time). */
const ATTRIBUTION_WINDOW_S = 24 * 3600;
/** A session idle this long (event time) is closed and folded into the totals. */
const SESSION_IDLE_S = 30 * 60;

type Arm = "champion" | "canary";

interface ArmTotals {
  impressions: number;
  /** Impressions with at least one click / booking: the Bernoulli outcomes the tests compare. */
  clickedImpressions: number;
  bookedImpressions: number;
  clicks: number;
  bookings: number;
  diversitySum: number;
  marginSum: number;
  marginCount: number;
  /** Distinct items shown (bounded by the catalogue). */
  items: string[];
  sessions: number;
  sessionEvents: number;
  sessionSeconds: number;
}

/** The aggregator's JSON state, checkpointed with the event-log cursor. */
export interface OnlineMetricsState {
  scope: { champion: string; canary: string };
  arms: Record<Arm, ArmTotals>;
  /** recommendation id → [arm, event time, clicked, booked], oldest first. */
  lists: [string, Arm, number, 0 | 1, 0 | 1][];
  /** session id → [arm, first time, last time, events]. */
  sessions: [string, Arm, number, number, number][];
  unattributed: number;
}

/** One variant's online metrics. */
export interface VariantMetrics {
  impressions: number;
  clickedImpressions: number;
  bookedImpressions: number;
  ctr: number;
  bookingRate: number;
  clicks: number;
  bookings: number;
  /** Mean share of item pairs in a list with different primary categories. */
  diversity: number;
  /** Distinct items shown / catalogue size. */
  coverage: number;
  meanMargin: number | null;
  sessions: number;
  eventsPerSession: number;
  minutesPerSession: number;
}

/** Both variants' metrics and the events that referenced an unknown list. */
export interface MetricsSnapshot {
  champion: VariantMetrics;
  canary: VariantMetrics;
  unattributed: number;
}

function emptyArm(): ArmTotals {
  return {
    impressions: 0,
    clickedImpressions: 0,
    bookedImpressions: 0,
    clicks: 0,
    bookings: 0,
    diversitySum: 0,
    marginSum: 0,
    marginCount: 0,
    items: [],
    sessions: 0,
    sessionEvents: 0,
    sessionSeconds: 0,
  };
}

/**
 * Online metrics of a canary experiment, fed the event log in order: impressions of the two
 * versions under test, clicks and bookings attributed to them through `recommendation_id`,
 * sessions, and the guardrails (diversity, coverage, margin). Memory stays bounded: lists leave
 * the attribution map after 24 h of event time and idle sessions are folded into totals.
 */
export class OnlineMetrics {
  private readonly state: OnlineMetricsState;
  private readonly catalog: CatalogFacts;
  private readonly lists = new Map<string, [Arm, number, 0 | 1, 0 | 1]>();
  private readonly sessions = new Map<string, [Arm, number, number, number]>();
  private readonly items: Record<Arm, Set<string>>;
  private latest = 0;

  constructor(scope: { champion: string; canary: string }, catalog: CatalogFacts) {
    this.catalog = catalog;
    this.state = {
      scope,
      arms: { champion: emptyArm(), canary: emptyArm() },
      lists: [],
      sessions: [],
      unattributed: 0,
    };
    this.items = { champion: new Set(), canary: new Set() };
  }

  /** Continues from a checkpointed state. */
  static fromState(state: OnlineMetricsState, catalog: CatalogFacts): OnlineMetrics {
    const metrics = new OnlineMetrics(state.scope, catalog);
    metrics.state.arms = structuredClone(state.arms);
    metrics.state.unattributed = state.unattributed;
    for (const [id, arm, t, c, b] of state.lists) metrics.lists.set(id, [arm, t, c, b]);
    for (const [id, arm, first, last, n] of state.sessions) metrics.sessions.set(id, [arm, first, last, n]);
    for (const arm of ["champion", "canary"] as const)
      for (const item of state.arms[arm].items) metrics.items[arm].add(item);
    metrics.latest = Math.max(0, ...state.lists.map((l) => l[2]));
    return metrics;
  }

  add(event: LoggedEvent): void {
    this.latest = Math.max(this.latest, event.timestamp);
    if (event.type === "impression") this.impression(event);
    else if (event.recommendationId !== undefined) this.response(event);
    if (event.sessionId !== undefined) this.touchSession(event);
    this.evict();
  }

  toState(): OnlineMetricsState {
    for (const arm of ["champion", "canary"] as const) this.state.arms[arm].items = [...this.items[arm]];
    return {
      ...structuredClone(this.state),
      lists: [...this.lists].map(([id, [arm, t, c, b]]) => [id, arm, t, c, b]),
      sessions: [...this.sessions].map(([id, [arm, first, last, n]]) => [id, arm, first, last, n]),
    };
  }

  snapshot(): MetricsSnapshot {
    return {
      champion: this.metricsOf("champion"),
      canary: this.metricsOf("canary"),
      unattributed: this.state.unattributed,
    };
  }

  private impression(event: LoggedEvent): void {
    const arm = event.variant as Arm;
    const expected =
      arm === "champion" ? this.state.scope.champion : arm === "canary" ? this.state.scope.canary : null;
    // Lists of other versions (an earlier experiment) are not this experiment's evidence.
    if (expected === null || event.modelVersion !== expected || !event.recommendationId) return;
    const totals = this.state.arms[arm];
    totals.impressions++;
    const items = event.items ?? [];
    totals.diversitySum += this.diversityOf(items);
    for (const item of items) {
      const margin = this.catalog.marginOf(item);
      if (margin !== undefined) {
        totals.marginSum += margin;
        totals.marginCount++;
      }
      if (this.items[arm].size < this.catalog.size) this.items[arm].add(item);
    }
    this.lists.set(event.recommendationId, [arm, event.timestamp, 0, 0]);
    if (event.sessionId !== undefined && !this.sessions.has(event.sessionId)) {
      this.sessions.set(event.sessionId, [arm, event.timestamp, event.timestamp, 0]);
    }
  }

  private response(event: LoggedEvent): void {
    const list = this.lists.get(event.recommendationId as string);
    if (!list) {
      this.state.unattributed++;
      return;
    }
    const totals = this.state.arms[list[0]];
    if (event.type === "click") {
      totals.clicks++;
      if (list[2] === 0) totals.clickedImpressions++;
      list[2] = 1;
    } else if (event.type === "booking") {
      totals.bookings++;
      if (list[3] === 0) totals.bookedImpressions++;
      list[3] = 1;
    }
  }

  private touchSession(event: LoggedEvent): void {
    const session = this.sessions.get(event.sessionId as string);
    if (!session) return;
    session[2] = Math.max(session[2], event.timestamp);
    if (event.type !== "impression") session[3]++;
  }

  private evict(): void {
    for (const [id, list] of this.lists) {
      if (list[1] >= this.latest - ATTRIBUTION_WINDOW_S) break;
      this.lists.delete(id);
    }
    for (const [id, [arm, first, last, n]] of this.sessions) {
      if (last >= this.latest - SESSION_IDLE_S) continue;
      const totals = this.state.arms[arm];
      totals.sessions++;
      totals.sessionEvents += n;
      totals.sessionSeconds += last - first;
      this.sessions.delete(id);
    }
  }

  private diversityOf(items: readonly string[]): number {
    let pairs = 0;
    let different = 0;
    for (let i = 0; i < items.length; i++)
      for (let j = i + 1; j < items.length; j++) {
        pairs++;
        if (this.catalog.categoryOf(items[i]) !== this.catalog.categoryOf(items[j])) different++;
      }
    return pairs === 0 ? 0 : different / pairs;
  }

  private metricsOf(arm: Arm): VariantMetrics {
    const t = this.state.arms[arm];
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
    return {
      impressions: t.impressions,
      clickedImpressions: t.clickedImpressions,
      bookedImpressions: t.bookedImpressions,
      ctr: per(t.clickedImpressions, t.impressions),
      bookingRate: per(t.bookedImpressions, t.impressions),
      clicks: t.clicks,
      bookings: t.bookings,
      diversity: per(t.diversitySum, t.impressions),
      coverage: per(this.items[arm].size, this.catalog.size),
      meanMargin: t.marginCount === 0 ? null : t.marginSum / t.marginCount,
      sessions,
      eventsPerSession: per(events, sessions),
      minutesPerSession: per(seconds / 60, sessions),
    };
  }
}
