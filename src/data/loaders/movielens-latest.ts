import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import type { Item } from "../../core/types.js";
import { requireId, splitList } from "./cells.js";
import { layoutFromHeader, loadInteractionCsv } from "./interaction-csv.js";
import type { LoadContext } from "./load-context.js";
import { addItem } from "./metadata.js";
import { yearFromTitle } from "./movie-year.js";
import { forEachCsvRow } from "./table-csv.js";

/** MovieLens' marker for a movie without genres. */
const NO_GENRES = "(no genres listed)";

/**
 * Loads the ml-latest layout (ml-latest-small, ml-latest, ml-25m…): movies.csv first, so item
 * indices follow the catalogue, then ratings.csv as "rating" events whose value is the rating.
 */
export async function loadMovieLensLatest(dir: string, ctx: LoadContext): Promise<void> {
  const movies = join(dir, "movies.csv");
  await forEachCsvRow(movies, ctx, {}, { required: ["movieId", "title", "genres"] }, (columns) => {
    const idColumn = columns.indexOf("movieId");
    const titleColumn = columns.indexOf("title");
    const genresColumn = columns.indexOf("genres");
    return (fields, line) => {
      const itemId = requireId(fields[idColumn], { source: movies, line, field: "movieId" });
      // Some titles carry a trailing blank after the year ("96 Minutes (2011) ").
      const title = fields[titleColumn].trim();
      const genres = fields[genresColumn];
      const item: Item = {
        itemId,
        title,
        categories: genres === NO_GENRES ? [] : splitList(genres),
        attributes: {},
      };
      const year = yearFromTitle(title);
      if (year !== undefined) item.attributes["year"] = year;
      addItem(ctx, item, { source: movies, line, idField: "movieId" });
    };
  });

  const ratings = join(dir, "ratings.csv");
  await loadInteractionCsv(ratings, ctx, {}, (header) => {
    const { layout } = layoutFromHeader(header, ratings, {
      user: "userId",
      item: "movieId",
      value: ["rating"],
      timestamp: "timestamp",
      type: "type",
    });
    for (const [role, name] of [
      ["value", "rating"],
      ["timestamp", "timestamp"],
    ] as const) {
      if (layout[role] === -1) {
        throw new InputError(
          { source: ratings, line: header.line, field: name },
          "required column missing from the header",
        );
      }
    }
    return layout;
  });
}
