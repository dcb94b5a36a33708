import { existsSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import type { Item, User } from "../../core/types.js";
import type { CsvOptions } from "../csv-reader.js";
import { requireId, requireNumber } from "./cells.js";
import { loadInteractionCsv } from "./interaction-csv.js";
import type { LoadContext } from "./load-context.js";
import { addItem, addUser } from "./metadata.js";
import { yearFromTitle } from "./movie-year.js";
import { forEachCsvRow } from "./table-csv.js";

// ml-100k predates RFC 4180: a quote in a title is just a character, so quoting is off.
const PIPE: CsvOptions = { delimiter: "|", quote: false };
const ITEM_COLUMNS = ["movie_id", "title", "release_date", "video_release_date", "imdb_url"];
const USER_COLUMNS = ["user_id", "age", "gender", "occupation", "zip_code"];
/** A release date such as "01-Jan-1995". */
const RELEASE_YEAR = /(\d{4})\s*$/;

/**
 * Loads the classic ml-100k layout: u.genre (genre names), u.item (pipe-separated, Latin-1, 19
 * genre flags), u.user when present, then u.data (tab-separated user, item, rating, timestamp).
 */
export async function loadMovieLens100k(dir: string, ctx: LoadContext): Promise<void> {
  const genres = await readGenres(join(dir, "u.genre"), ctx);
  await loadItems(join(dir, "u.item"), genres, ctx);
  const usersPath = join(dir, "u.user");
  if (existsSync(usersPath)) await loadUsers(usersPath, ctx);
  const data = join(dir, "u.data");
  await loadInteractionCsv(
    data,
    ctx,
    { delimiter: "\t", quote: false },
    {
      user: 0,
      item: 1,
      value: 2,
      timestamp: 3,
      type: -1,
      columns: ["user_id", "item_id", "rating", "timestamp"],
      defaultType: "rating",
    },
  );
}

/** Genre names by flag position, from u.genre's `name|index` lines. */
async function readGenres(path: string, ctx: LoadContext): Promise<string[]> {
  const names: string[] = [];
  await forEachCsvRow(path, ctx, PIPE, { columns: ["genre", "index"] }, () => (fields, line) => {
    const index = requireNumber(fields[1], { source: path, line, field: "index" });
    if (!Number.isInteger(index) || index < 0 || names[index] !== undefined) {
      throw new InputError({ source: path, line, field: "index" }, `not a new genre index: ${fields[1]}`);
    }
    names[index] = fields[0];
  });
  for (let i = 0; i < names.length; i++) {
    if (names[i] === undefined) throw new InputError({ source: path }, `genre index ${i} is missing`);
  }
  return names;
}

async function loadItems(path: string, genres: readonly string[], ctx: LoadContext): Promise<void> {
  const columns = [...ITEM_COLUMNS, ...genres];
  const csv: CsvOptions = { ...PIPE, encoding: "latin1" };
  await forEachCsvRow(path, ctx, csv, { columns }, () => (fields, line) => {
    const itemId = requireId(fields[0], { source: path, line, field: "movie_id" });
    const title = fields[1].trim();
    const item: Item = { itemId, categories: [], attributes: {} };
    if (title.length > 0) item.title = title;
    for (let g = 0; g < genres.length; g++) {
      const flag = fields[ITEM_COLUMNS.length + g];
      if (flag !== "0" && flag !== "1") {
        throw new InputError(
          { source: path, line, field: genres[g] },
          `genre flag must be 0 or 1, got ${JSON.stringify(flag)}`,
        );
      }
      // "unknown" is ml-100k's way to say no genre, like ml-latest's "(no genres listed)".
      if (flag === "1" && genres[g] !== "unknown") item.categories.push(genres[g]);
    }
    const released = RELEASE_YEAR.exec(fields[2]);
    const year = released === null ? yearFromTitle(title) : Number(released[1]);
    if (year !== undefined) item.attributes["year"] = year;
    addItem(ctx, item, { source: path, line, idField: "movie_id" });
  });
}

async function loadUsers(path: string, ctx: LoadContext): Promise<void> {
  await forEachCsvRow(path, ctx, PIPE, { columns: USER_COLUMNS }, () => (fields, line) => {
    const at = (field: string) => ({ source: path, line, field });
    const user: User = { userId: requireId(fields[0], at("user_id")), attributes: {} };
    user.attributes["age"] = requireNumber(fields[1], at("age"));
    if (fields[2].length > 0) user.attributes["gender"] = fields[2];
    if (fields[3].length > 0) user.attributes["occupation"] = fields[3];
    // Zip codes stay text: some are letters-and-digits (Canadian) and leading zeros matter.
    if (fields[4].length > 0) user.attributes["zip_code"] = fields[4];
    addUser(ctx, user, { source: path, line, idField: "user_id" });
  });
}
