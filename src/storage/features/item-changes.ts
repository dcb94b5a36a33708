import type { Item } from "../../core/types.js";
import type { ItemChanges } from "./feature-store.js";

/** Code-unit order: the same in every backend and locale (localeCompare is neither). */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Item changes in the order every backend returns them, sorted by item id, so that callers and
 * tests see the same answer whether a hash (Redis) or a Map (memory) held them.
 */
export function sortedItemChanges(upserts: Item[], deletes: string[]): ItemChanges {
  upserts.sort((a, b) => compareIds(a.itemId, b.itemId));
  deletes.sort(compareIds);
  return { upserts, deletes };
}
