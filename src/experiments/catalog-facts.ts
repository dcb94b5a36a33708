import type { Item } from "../core/types.js";
import type { CatalogFacts } from "./controller.js";

/** Margins and primary categories of a catalogue, for the experiment's guardrails. */
export function catalogFacts(items: readonly (Item | undefined)[]): CatalogFacts {
  const margin = new Map<string, number>();
  const category = new Map<string, string>();
  for (const item of items) {
    if (!item) continue;
    const m = item.attributes.margin;
    if (typeof m === "number") margin.set(item.itemId, m);
    if (item.categories[0]) category.set(item.itemId, item.categories[0]);
  }
  return {
    marginOf: (id) => margin.get(id),
    categoryOf: (id) => category.get(id),
    size: items.length,
  };
}
