import type { Item } from "../core/types.js";

/** What the experiment's guardrails need to know of items: margin, primary category, catalogue size. */
export interface CatalogFacts {
  /** The item's margin (`attributes.margin`), or undefined when it has none. */
  marginOf(itemId: string): number | undefined;
  /** The item's primary category (its first category), or undefined when it has none. */
  categoryOf(itemId: string): string | undefined;
  /** Items in the catalogue: the denominator of coverage. */
  size: number;
}

/** Margins and primary categories of a catalogue, for the experiment's guardrails. */
export function catalogFacts(items: readonly (Item | undefined)[]): CatalogFacts {
  const margin = new Map<string, number>();
  const category = new Map<string, string>();
  for (const item of items) {
    if (!item) continue;
    const m = item.attributes.margin;
    if (typeof m === "number" && Number.isFinite(m)) margin.set(item.itemId, m);
    if (item.categories[0]) category.set(item.itemId, item.categories[0]);
  }
  return {
    marginOf: (id) => margin.get(id),
    categoryOf: (id) => category.get(id),
    size: items.length,
  };
}
