import { existsSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import type { Item, User } from "../../core/types.js";
import {
  type CellLocation,
  cellAttribute,
  cleanList,
  requireId,
  requireNumber,
  requireRange,
} from "./cells.js";
import { layoutFromHeader, loadInteractionCsv } from "./interaction-csv.js";
import type { LoadContext } from "./load-context.js";
import { addItem, addUser } from "./metadata.js";
import { formatOpeningHours, type HoursRow, parseHoursRow } from "./opening-hours.js";
import { forEachCsvRow } from "./table-csv.js";

/** The dataset writes a missing value as "?". */
const MISSING = "?";
/** Price levels on one numeric scale, shared by item `price` and user `budget` so they compare. */
const PRICE_LEVELS: Record<string, number> = { low: 1, medium: 2, high: 3 };
/** geoplaces2 columns kept as categorical attributes (address, fax, zip, url and geometry are not). */
const PLACE_ATTRIBUTES = [
  "alcohol",
  "smoking_area",
  "dress_code",
  "accessibility",
  "Rambience",
  "franchise",
  "area",
  "other_services",
];

/**
 * Loads the UCI restaurant-consumer data: geoplaces2.csv (the catalogue) with cuisines, hours,
 * payment and parking merged in, userprofile.csv with cuisines and payment, then rating_final.csv
 * as "rating" events (overall rating 0–2 as given; a 0 still marks an interaction; no timestamps
 * in the data, so 0).
 */
export async function loadRestaurantConsumer(dir: string, ctx: LoadContext): Promise<void> {
  await loadPlaces(join(dir, "geoplaces2.csv"), ctx);
  const places = (id: string) => itemMeta(ctx, id);
  await mergeLists(join(dir, "chefmozcuisine.csv"), ctx, "placeID", "Rcuisine", places, (item, list) => {
    item.categories = list;
  });
  await mergeHours(join(dir, "chefmozhours4.csv"), ctx);
  await mergeLists(join(dir, "chefmozaccepts.csv"), ctx, "placeID", "Rpayment", places, (item, list) => {
    item.attributes["payment"] = list.join("|");
  });
  await mergeLists(join(dir, "chefmozparking.csv"), ctx, "placeID", "parking_lot", places, (item, list) => {
    item.attributes["parking"] = list.join("|");
  });

  await loadProfiles(join(dir, "userprofile.csv"), ctx);
  const users = (id: string) => userMeta(ctx, id);
  await mergeLists(join(dir, "usercuisine.csv"), ctx, "userID", "Rcuisine", users, (user, list) => {
    user.attributes["cuisines"] = list.join("|");
  });
  await mergeLists(join(dir, "userpayment.csv"), ctx, "userID", "Upayment", users, (user, list) => {
    user.attributes["payment"] = list.join("|");
  });

  const ratings = join(dir, "rating_final.csv");
  await loadInteractionCsv(ratings, ctx, {}, (header) => {
    const names = {
      user: "userID",
      item: "placeID",
      value: ["rating"],
      timestamp: "timestamp",
      type: "type",
    };
    // food_rating and service_rating are left out on purpose: one event per visit, one value.
    const { layout } = layoutFromHeader(header, ratings, names);
    if (layout.value === -1) {
      throw new InputError(
        { source: ratings, line: header.line, field: "rating" },
        "required column missing from the header",
      );
    }
    return layout;
  });
}

function itemMeta(ctx: LoadContext, id: string): Item | undefined {
  const index = ctx.items.indexOf(id);
  return index === -1 ? undefined : ctx.itemMeta[index];
}

function userMeta(ctx: LoadContext, id: string): User | undefined {
  const index = ctx.users.indexOf(id);
  return index === -1 ? undefined : ctx.userMeta[index];
}

/** A cell, or undefined when empty or "?". */
function present(cell: string): string | undefined {
  return cell.length === 0 || cell === MISSING ? undefined : cell;
}

function priceLevel(cell: string, at: CellLocation): number {
  const level = PRICE_LEVELS[cell.toLowerCase()];
  if (level === undefined)
    throw new InputError(at, `expected low, medium or high, got ${JSON.stringify(cell)}`);
  return level;
}

async function loadPlaces(path: string, ctx: LoadContext): Promise<void> {
  const required = ["placeID", "latitude", "longitude", "name", "price"];
  await forEachCsvRow(path, ctx, {}, { required }, (columns) => {
    const col = (name: string) => columns.indexOf(name);
    const [id, lat, lon, name, price] = required.map(col);
    const attributes = PLACE_ATTRIBUTES.map((attr) => [attr, col(attr)] as const).filter(([, c]) => c !== -1);
    return (fields, line) => {
      const at = (field: string): CellLocation => ({ source: path, line, field });
      const item: Item = { itemId: requireId(fields[id], at("placeID")), categories: [], attributes: {} };
      // One title has U+FFFD where the source lost an "ó"; it is kept as given, not guessed.
      const title = present(fields[name]);
      if (title !== undefined) item.title = title;
      const latText = present(fields[lat]);
      if (latText !== undefined)
        item.lat = requireRange(requireNumber(latText, at("latitude")), -90, 90, at("latitude"));
      const lonText = present(fields[lon]);
      if (lonText !== undefined) {
        item.lon = requireRange(requireNumber(lonText, at("longitude")), -180, 180, at("longitude"));
      }
      const priceText = present(fields[price]);
      if (priceText !== undefined) item.price = priceLevel(priceText, at("price"));
      for (const [attr, c] of attributes) {
        const value = present(fields[c]);
        if (value !== undefined) item.attributes[attr] = value;
      }
      addItem(ctx, item, { source: path, line, idField: "placeID" });
    };
  });
}

async function loadProfiles(path: string, ctx: LoadContext): Promise<void> {
  await forEachCsvRow(path, ctx, {}, { required: ["userID"] }, (columns) => {
    const id = columns.indexOf("userID");
    return (fields, line) => {
      const at = (field: string): CellLocation => ({ source: path, line, field });
      const user: User = { userId: requireId(fields[id], at("userID")), attributes: {} };
      for (let c = 0; c < columns.length; c++) {
        const cell = present(fields[c]);
        if (c === id || cell === undefined) continue;
        const name = columns[c];
        if (name === "latitude")
          user.attributes["lat"] = requireRange(requireNumber(cell, at(name)), -90, 90, at(name));
        else if (name === "longitude") {
          user.attributes["lon"] = requireRange(requireNumber(cell, at(name)), -180, 180, at(name));
        } else if (name === "budget") user.attributes["budget"] = priceLevel(cell, at(name));
        else user.attributes[name] = cellAttribute(cell);
      }
      addUser(ctx, user, { source: path, line, idField: "userID" });
    };
  });
}

/**
 * Reads a two-column "id,value" file into per-id lists (file order, de-duplicated) and hands each
 * list to `apply` with the matching record. Rows naming an id without a record are counted in a
 * warning; the file is optional.
 */
async function mergeLists<T>(
  path: string,
  ctx: LoadContext,
  idColumn: string,
  valueColumn: string,
  lookup: (id: string) => T | undefined,
  apply: (record: T, list: string[]) => void,
): Promise<void> {
  if (!existsSync(path)) return;
  const lists = new Map<string, string[]>();
  await forEachCsvRow(path, ctx, {}, { required: [idColumn, valueColumn] }, (columns) => {
    const id = columns.indexOf(idColumn);
    const value = columns.indexOf(valueColumn);
    return (fields, line) => {
      const key = requireId(fields[id], { source: path, line, field: idColumn });
      const entry = present(fields[value]);
      if (entry === undefined) return;
      const list = lists.get(key);
      if (list === undefined) lists.set(key, [entry]);
      else list.push(entry);
    };
  });
  let orphanRows = 0;
  let orphanIds = 0;
  for (const [key, list] of lists) {
    const record = lookup(key);
    if (record === undefined) {
      orphanIds++;
      orphanRows += list.length;
    } else apply(record, cleanList(list));
  }
  if (orphanIds > 0) {
    ctx.warnings.push(
      `${path}: ${orphanRows} rows name ${orphanIds} ${idColumn}s with no profile or place row; ignored`,
    );
  }
}

async function mergeHours(path: string, ctx: LoadContext): Promise<void> {
  if (!existsSync(path)) return;
  const rows = new Map<string, HoursRow[]>();
  await forEachCsvRow(path, ctx, {}, { required: ["placeID", "hours", "days"] }, (columns) => {
    const [id, hours, days] = ["placeID", "hours", "days"].map((name) => columns.indexOf(name));
    return (fields, line) => {
      const key = requireId(fields[id], { source: path, line, field: "placeID" });
      const at = (field: string): CellLocation => ({ source: path, line, field });
      const row = parseHoursRow(fields[hours], fields[days], at("hours"), at("days"));
      const list = rows.get(key);
      if (list === undefined) rows.set(key, [row]);
      else list.push(row);
    };
  });
  let orphans = 0;
  for (const [key, list] of rows) {
    const item = itemMeta(ctx, key);
    if (item === undefined) {
      orphans++;
      continue;
    }
    const hours = formatOpeningHours(list);
    if (hours !== undefined) item.attributes["hours"] = hours;
  }
  if (orphans > 0) ctx.warnings.push(`${path}: ${orphans} placeIDs with no row in geoplaces2.csv; ignored`);
}
