import { IdDictionary } from "../core/id-dictionary.js";
import type { Item } from "../core/types.js";
import { MEAL_PERIODS } from "../data/city/constants.js";

/** Every meal period open: items that do not say when they open are never filtered by time. */
const ALWAYS_OPEN = (1 << MEAL_PERIODS.length) - 1;

/** The opening bitmask of an item from its `meal_periods` attribute (`lunch|dinner`). */
export function openMaskOf(item: Item | undefined): number {
  const periods = item?.attributes.meal_periods;
  if (typeof periods !== "string" || periods.trim() === "") return ALWAYS_OPEN;
  let mask = 0;
  for (const name of periods.split("|")) {
    const p = MEAL_PERIODS.indexOf(name.trim() as (typeof MEAL_PERIODS)[number]);
    if (p >= 0) mask |= 1 << p;
  }
  return mask === 0 ? ALWAYS_OPEN : mask;
}

/**
 * The items a server can recommend: the model's catalogue plus items added since through the
 * API, with the fields the filters read kept in flat arrays (location, opening, deleted).
 * Indices of model items are the model's; added items get the next indices.
 */
export class ItemCatalog {
  readonly ids: IdDictionary;
  /** Items the model was trained on (indices below this have model rows). */
  readonly modelItems: number;
  private readonly meta: (Item | undefined)[];
  readonly lat: number[] = [];
  readonly lon: number[] = [];
  readonly openMask: number[] = [];
  private deletedFlags: Uint8Array;
  private deletedCount = 0;

  constructor(ids: readonly string[], meta: readonly (Item | undefined)[]) {
    this.ids = IdDictionary.from(ids);
    this.modelItems = ids.length;
    this.meta = [];
    this.deletedFlags = new Uint8Array(Math.max(16, ids.length));
    for (let i = 0; i < ids.length; i++) this.setMeta(i, meta[i]);
  }

  get size(): number {
    return this.ids.size;
  }

  /** How many items are deleted (they stay in the index, filtered out). */
  get deletedItems(): number {
    return this.deletedCount;
  }

  metadata(index: number): Item | undefined {
    return this.meta[index];
  }

  isDeleted(index: number): boolean {
    return this.deletedFlags[index] === 1;
  }

  /** Adds or replaces an item's metadata; returns its index and whether it is new to the catalogue. */
  upsert(item: Item): { index: number; added: boolean } {
    const known = this.ids.indexOf(item.itemId);
    const index = known >= 0 ? known : this.ids.add(item.itemId);
    if (index >= this.deletedFlags.length) {
      const grown = new Uint8Array(this.deletedFlags.length * 2);
      grown.set(this.deletedFlags);
      this.deletedFlags = grown;
    }
    if (this.deletedFlags[index] === 1) {
      this.deletedFlags[index] = 0;
      this.deletedCount--;
    }
    this.setMeta(index, item);
    return { index, added: known < 0 };
  }

  /** Marks an item deleted; false when the id is unknown. */
  delete(itemId: string): boolean {
    const index = this.ids.indexOf(itemId);
    if (index < 0) return false;
    if (this.deletedFlags[index] === 0) {
      this.deletedFlags[index] = 1;
      this.deletedCount++;
    }
    return true;
  }

  private setMeta(index: number, item: Item | undefined): void {
    this.meta[index] = item;
    this.lat[index] = item?.lat ?? Number.NaN;
    this.lon[index] = item?.lon ?? Number.NaN;
    this.openMask[index] = openMaskOf(item);
  }
}
