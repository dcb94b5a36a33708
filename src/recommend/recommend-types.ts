import type { Reason } from "./serving-model.js";

/** A recommendation request after validation (ids external, times in unix seconds). */
export interface RecommendRequest {
  userId: string;
  k: number;
  near?: { lat: number; lon: number; radiusKm: number };
  /** The time to recommend for (meal period filter); none means no opening-hours filter. */
  at?: number;
  exclude: readonly string[];
  /** 0 = rank by score only, 1 = as diverse as MMR makes it. */
  diversity: number;
}

/** Where a user's query came from, best first. */
export type Source =
  | "stored-vector"
  | "fold-in"
  | "model"
  | "preferences"
  | "cached-events"
  | "context-popularity"
  | "global-popularity";

/** The sources that are fallbacks: reported in the response body and counted in /metrics. */
export type Fallback = Extract<Source, "cached-events" | "context-popularity" | "global-popularity">;

/** One recommended item. */
export interface RecommendedItem {
  itemId: string;
  score: number;
  reasons: readonly Reason[];
}

/** The answer of the recommendation path. */
export interface RecommendResult {
  recommendationId: string;
  userId: string;
  /** The experiment variant that served the list. */
  variant: "champion" | "canary";
  modelVersion: string;
  items: RecommendedItem[];
  source: Source;
  fallback?: Fallback;
  /** Whether the list came from the per-user result cache. */
  cached: boolean;
  /** Seconds spent per stage, for the latency breakdown. */
  timings: { features: number; retrieval: number; filters: number };
}

/** The sources whose answer is a fallback. */
export function fallbackOf(source: Source): Fallback | undefined {
  return source === "cached-events" || source === "context-popularity" || source === "global-popularity"
    ? source
    : undefined;
}
