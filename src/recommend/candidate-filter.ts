import { distanceKm } from "./geo.js";
import type { ItemCatalog } from "./item-catalog.js";

/** The rules a candidate must pass (blueprint: context and rules apply as candidate filters). */
export interface FilterRules {
  /** Item indices the user has already interacted with. */
  seen: ReadonlySet<number>;
  /** Item indices the request excludes explicitly. */
  exclude: ReadonlySet<number>;
  /** Keep only items within `radiusKm` of this point. */
  near?: { lat: number; lon: number; radiusKm: number };
  /** Keep only items open in this meal period (index into MEAL_PERIODS). */
  mealPeriod?: number;
}

/**
 * A predicate over item indices: not deleted, not seen, not excluded, within the radius (items
 * without a location fail a radius filter: nobody can walk to them), open at the meal period.
 */
export function candidateFilter(catalog: ItemCatalog, rules: FilterRules): (item: number) => boolean {
  const { seen, exclude, near, mealPeriod } = rules;
  const periodBit = mealPeriod === undefined ? 0 : 1 << mealPeriod;
  return (item: number) => {
    if (catalog.isDeleted(item) || seen.has(item) || exclude.has(item)) return false;
    if (periodBit !== 0 && (catalog.openMask[item] & periodBit) === 0) return false;
    if (near) {
      const lat = catalog.lat[item];
      if (Number.isNaN(lat)) return false;
      if (distanceKm(near.lat, near.lon, lat, catalog.lon[item]) > near.radiusKm) return false;
    }
    return true;
  };
}
