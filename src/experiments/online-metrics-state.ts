/** The two arms of a canary experiment. */
export type Arm = "champion" | "canary";

/** Memory bounds of the aggregator; every field has a default. */
export interface OnlineMetricsSettings {
  /** Clicks and bookings count for a list served at most this long before (event time, seconds). */
  attributionWindowS: number;
  /** A session idle this long (event time, seconds) is closed and folded into the totals. */
  sessionIdleS: number;
  /** A hard cap on open lists whatever the traffic; the oldest go first (counted as dropped). */
  maxOpenLists: number;
  /** A hard cap on open sessions; the least recently active close first. */
  maxOpenSessions: number;
}

/** The defaults: 24 h attribution, 30 min session timeout, a million open lists and sessions. */
export const DEFAULT_SETTINGS: OnlineMetricsSettings = {
  attributionWindowS: 24 * 3600,
  sessionIdleS: 30 * 60,
  maxOpenLists: 1_000_000,
  maxOpenSessions: 1_000_000,
};

/** One arm's running totals. */
export interface ArmTotals {
  /** Lists served. */
  impressions: number;
  /** Lists with at least one click / booking: the Bernoulli outcomes the sequential tests compare. */
  clickedImpressions: number;
  bookedImpressions: number;
  /** Raw attributed click and booking events (several per list possible). */
  clicks: number;
  bookings: number;
  /** Σ per-list diversity, over the lists that have one. */
  diversitySum: number;
  diversityLists: number;
  /** Σ margin over recommended items with a known margin (each time shown). */
  marginSum: number;
  marginItems: number;
  /** Distinct items shown (at most the catalogue size). */
  items: string[];
  /** Impressions in the equal-size paired sample, and the distinct items they showed. */
  pairedImpressions: number;
  pairedItems: string[];
  /** Closed sessions and their sums. */
  sessions: number;
  sessionEvents: number;
  sessionSeconds: number;
}

/**
 * The aggregator's JSON state, checkpointed together with the event-log cursor. Lists and
 * sessions are tuples to keep a day of open lists compact (≈ 60 bytes each).
 */
export interface OnlineMetricsState {
  version: 1;
  /** The versions under test; null accepts impressions of any version. */
  scope: { champion: string; canary: string } | null;
  settings: OnlineMetricsSettings;
  /** The event clock: the latest impression time seen (unix seconds, server-stamped). */
  clock: number;
  arms: Record<Arm, ArmTotals>;
  /** Open lists, oldest first: [recommendation id, arm, clock when served, 1 clicked | 2 booked]. */
  lists: [string, Arm, number, number][];
  /**
   * Open sessions, least recently active first: [session id, arm, first impression time, last
   * event time, client events, clock when last active].
   */
  sessions: [string, Arm, number, number, number, number][];
  /** Click/booking/other events whose recommendation id is unknown (expired or never served). */
  unattributed: number;
  /** Impressions of versions or variants outside the experiment, or without a recommendation id. */
  ignoredImpressions: number;
  /** Impressions repeating an open recommendation id (counted once). */
  duplicateImpressions: number;
  /** Lists and sessions pushed out by the hard caps before their time. */
  droppedLists: number;
  droppedSessions: number;
}

/** One variant's online metrics, with the counts behind every rate. */
export interface VariantMetrics {
  impressions: number;
  clickedImpressions: number;
  bookedImpressions: number;
  /** Clicked lists / lists (at most one click per list). */
  ctr: number;
  /** Booked lists / lists (at most one booking per list). */
  bookingRate: number;
  clicks: number;
  bookings: number;
  clicksPerImpression: number;
  bookingsPerImpression: number;
  /** Mean intra-list diversity by primary category (`list-diversity.ts`); null before any list has one. */
  diversity: number | null;
  diversityLists: number;
  /** Distinct items shown / catalogue size. */
  coverage: number | null;
  distinctItems: number;
  /**
   * Coverage of an equal-size sample of both arms (the first lists of each, alternating), so a
   * 10% arm is not judged against nine times as many lists.
   */
  pairedCoverage: number | null;
  pairedImpressions: number;
  /** Mean margin of recommended items with a known margin. */
  meanMargin: number | null;
  marginItems: number;
  /** Sessions (closed and open) begun by this arm's list, and their mean length. */
  sessions: number;
  eventsPerSession: number;
  minutesPerSession: number;
}

/** Both variants' metrics and the aggregator's bookkeeping. */
export interface MetricsSnapshot {
  champion: VariantMetrics;
  canary: VariantMetrics;
  /** The event clock (unix seconds). */
  eventTime: number;
  unattributed: number;
  ignoredImpressions: number;
  duplicateImpressions: number;
  openLists: number;
  openSessions: number;
  droppedLists: number;
  droppedSessions: number;
}

/** A zero arm. */
export function emptyArm(): ArmTotals {
  return {
    impressions: 0,
    clickedImpressions: 0,
    bookedImpressions: 0,
    clicks: 0,
    bookings: 0,
    diversitySum: 0,
    diversityLists: 0,
    marginSum: 0,
    marginItems: 0,
    items: [],
    pairedImpressions: 0,
    pairedItems: [],
    sessions: 0,
    sessionEvents: 0,
    sessionSeconds: 0,
  };
}
