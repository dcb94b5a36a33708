import { z } from "zod";
import type { Item } from "../../core/types.js";

/**
 * How raw values become bins, shared by the training-time baselines and the live monitor so both
 * sides count the same way. Every rule is stored in the artifact with the baseline it produced.
 */

/** Ascending thresholds: bin i holds values in [edges[i-1], edges[i]), the last bin the rest. */
export const EdgeBinsSchema = z.object({
  type: z.literal("edges"),
  edges: z.array(z.number()).max(64),
});

/** A location grid over the catalogue's bounding box; one extra bin for points outside it. */
export const GridBinsSchema = z.object({
  type: z.literal("grid"),
  minLat: z.number(),
  maxLat: z.number(),
  minLon: z.number(),
  maxLon: z.number(),
  cellsPerSide: z.number().int().min(1).max(16),
});

/** Named categories; anything else falls in a final "other" bin. */
export const CategoryBinsSchema = z.object({
  type: z.literal("categories"),
  names: z.array(z.string()).max(64),
});

export const BinRuleSchema = z.discriminatedUnion("type", [
  EdgeBinsSchema,
  GridBinsSchema,
  CategoryBinsSchema,
]);
export type BinRule = z.infer<typeof BinRuleSchema>;

/** How many bins a rule has. */
export function binCount(rule: BinRule): number {
  if (rule.type === "edges") return rule.edges.length + 1;
  if (rule.type === "grid") return rule.cellsPerSide * rule.cellsPerSide + 1;
  return rule.names.length + 1;
}

/** The bin of a numeric value under an edges rule (binary search over the thresholds). */
export function edgeBin(edges: readonly number[], value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value >= edges[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The cell of a point under a grid rule; the last bin when the point is outside the box. */
export function gridBin(rule: z.infer<typeof GridBinsSchema>, lat: number, lon: number): number {
  const n = rule.cellsPerSide;
  const fy = (lat - rule.minLat) / (rule.maxLat - rule.minLat || 1);
  const fx = (lon - rule.minLon) / (rule.maxLon - rule.minLon || 1);
  if (!(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1)) return n * n;
  const row = Math.min(n - 1, Math.floor(fy * n));
  const col = Math.min(n - 1, Math.floor(fx * n));
  return row * n + col;
}

/** The bin of a category name (the "other" bin when not listed). */
export function categoryBin(names: readonly string[], name: string | undefined): number {
  if (name === undefined) return names.length;
  // Every listed item of every served list is binned: a map per name list, not a linear search.
  let bins = categoryBins.get(names);
  if (!bins) {
    bins = new Map(names.map((n, b) => [n, b] as const).reverse());
    categoryBins.set(names, bins);
  }
  return bins.get(name) ?? names.length;
}

const categoryBins = new WeakMap<readonly string[], Map<string, number>>();

/** Human-readable bin labels, in bin order (for the admin API and the dashboard). */
export function binLabels(rule: BinRule): string[] {
  if (rule.type === "categories") return [...rule.names, "other"];
  if (rule.type === "grid") {
    const n = rule.cellsPerSide;
    return [...Array.from({ length: n * n }, (_, c) => `cell ${Math.floor(c / n)},${c % n}`), "outside"];
  }
  const e = rule.edges;
  if (e.length === 0) return ["all"];
  return [`< ${e[0]}`, ...e.slice(1).map((v, i) => `${e[i]}–${v}`), `≥ ${e[e.length - 1]}`];
}

/** Activity bins: distinct items a user has, on a doubling scale (0, 1, 2–3, 4–7, …, 128+). */
export const ACTIVITY_EDGES = [1, 2, 4, 8, 16, 32, 64, 128];

/** An item's price level; undefined when the item has no price. */
export function priceOf(item: Item | undefined): number | undefined {
  return item?.price;
}

/** An item's leading category (its cuisine in the restaurant data). */
export function cuisineOf(item: Item | undefined): string | undefined {
  return item?.categories[0];
}
