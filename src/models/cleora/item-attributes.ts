import type { Item } from "../../core/types.js";

/** The attribute nodes an item joins: keys such as "category:Comedy", "price:3", "cell:4852:235". */
export type ItemAttributes = (item: Item) => string[];

/** Degrees per location cell side: 0.01° is about 1.1 km, a walkable neighbourhood. */
const CELL_DEGREES = 0.01;

/**
 * The default attribute keys of an item: each category, the rounded price level, the location
 * cell, and every string attribute as "name:value". Numeric attributes other than price are left
 * out: a raw number is not a category, and bucketing it is a choice for a custom extractor.
 */
export const defaultItemAttributes: ItemAttributes = (item) => {
  const keys = item.categories.map((c) => `category:${c}`);
  if (item.price !== undefined) keys.push(`price:${Math.round(item.price)}`);
  if (item.lat !== undefined && item.lon !== undefined) {
    keys.push(`cell:${Math.floor(item.lat / CELL_DEGREES)}:${Math.floor(item.lon / CELL_DEGREES)}`);
  }
  for (const [name, value] of Object.entries(item.attributes)) {
    if (typeof value === "string") keys.push(`${name}:${value}`);
  }
  return keys;
};

/** Only the categories ("category:Comedy"): MovieLens' genre hyperedges. */
export const categoryAttributes: ItemAttributes = (item) => item.categories.map((c) => `category:${c}`);
