import type { VisitOutcome } from "./city-visit.js";

/** What the simulated users saw and did under one variant, counted on the simulator's side. */
export interface VariantCounts {
  /** Lists served (each session asks for one). */
  impressions: number;
  views: number;
  clicks: number;
  bookings: number;
  /** Lists with at least one click / booking. */
  clickedLists: number;
  bookedLists: number;
  /** Sessions that left after skipping cards, with views to spare and nothing booked. */
  leftEarly: number;
  /** Lists that came from a fallback rather than the model. */
  fallbacks: number;
  /** Sum and count of the ground-truth utility of the shown cards that were open city restaurants. */
  utilitySum: number;
  utilityCount: number;
}

/** Per-variant counts with the rates derived from them. */
export interface VariantSummary extends VariantCounts {
  /** The model version that served the latest list of this variant. */
  modelVersion: string;
  /** Clicks / impressions (the experiment's definition). */
  ctr: number;
  /** Bookings / impressions. */
  bookingRate: number;
  /** Mean ground-truth utility of the cards shown: how well the lists matched true tastes. */
  meanUtility: number;
}

function emptyCounts(): VariantCounts {
  return {
    impressions: 0,
    views: 0,
    clicks: 0,
    bookings: 0,
    clickedLists: 0,
    bookedLists: 0,
    leftEarly: 0,
    fallbacks: 0,
    utilitySum: 0,
    utilityCount: 0,
  };
}

/**
 * The simulator's own online metrics per variant (from each response's `variant`), kept beside
 * the server's so a run shows live what the controller will judge, and shows the ground-truth
 * quality of the lists that no server-side metric can see.
 */
export class OnlineTally {
  /** Per variant; `utilitySum` is held in integer micro-units here (see `record`). */
  private readonly counts = new Map<string, VariantCounts & { modelVersion: string }>();

  /** Counts one session's list and what its user did with it. */
  record(outcome: VisitOutcome): void {
    const c = this.counts.get(outcome.variant) ?? { ...emptyCounts(), modelVersion: "" };
    this.counts.set(outcome.variant, c);
    const r = outcome.reaction;
    c.modelVersion = outcome.modelVersion;
    c.impressions++;
    c.views += r.views;
    c.clicks += r.clicks;
    c.bookings += r.bookings;
    if (r.clicks > 0) c.clickedLists++;
    if (r.bookings > 0) c.bookedLists++;
    if (r.leftEarly) c.leftEarly++;
    if (outcome.fallback) c.fallbacks++;
    for (const u of r.utilities) {
      if (u === Number.NEGATIVE_INFINITY) continue;
      // Summed in integer micro-units: sessions finish in any order, and a float sum would make
      // the same seed give different last digits from run to run.
      c.utilitySum += Math.round(u * 1e6);
      c.utilityCount++;
    }
  }

  /** Counts and rates per variant, variants in name order. */
  summary(): Record<string, VariantSummary> {
    const out: Record<string, VariantSummary> = {};
    for (const variant of [...this.counts.keys()].sort()) {
      const c = this.counts.get(variant)!;
      const lists = Math.max(1, c.impressions);
      out[variant] = {
        ...c,
        utilitySum: c.utilitySum / 1e6,
        ctr: c.clicks / lists,
        bookingRate: c.bookings / lists,
        meanUtility: c.utilityCount > 0 ? c.utilitySum / 1e6 / c.utilityCount : Number.NaN,
      };
    }
    return out;
  }
}

function percent(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

/** One line per variant: lists, CTR, booking rate and the lists' true utility. */
export function formatVariants(variants: Record<string, VariantSummary>): string[] {
  return Object.entries(variants).map(
    ([variant, v]) =>
      `${variant.padEnd(9)} ${v.modelVersion.padEnd(14)} lists ${String(v.impressions).padStart(7)}  ` +
      `CTR ${percent(v.ctr).padStart(7)}  booking rate ${percent(v.bookingRate).padStart(7)}  ` +
      `true utility ${Number.isNaN(v.meanUtility) ? "–" : v.meanUtility.toFixed(2)}`,
  );
}
