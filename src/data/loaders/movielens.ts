import { existsSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import type { LoadContext } from "./load-context.js";
import { loadMovieLens100k } from "./movielens-100k.js";
import { loadMovieLensLatest } from "./movielens-latest.js";

/** The two MovieLens directory layouts. */
export type MovieLensLayout = "ml-latest" | "ml-100k";

/** Which MovieLens layout a directory holds, from the files in it. */
export function detectMovieLensLayout(dir: string): MovieLensLayout {
  if (existsSync(join(dir, "ratings.csv")) && existsSync(join(dir, "movies.csv"))) return "ml-latest";
  if (existsSync(join(dir, "u.data")) && existsSync(join(dir, "u.item"))) return "ml-100k";
  throw new InputError(
    { source: dir },
    "not a MovieLens directory: expected ratings.csv and movies.csv (ml-latest) or u.data and u.item (ml-100k)",
  );
}

/** Loads a MovieLens directory of either layout into the context; returns the layout found. */
export async function loadMovieLens(dir: string, ctx: LoadContext): Promise<MovieLensLayout> {
  const layout = detectMovieLensLayout(dir);
  if (layout === "ml-latest") await loadMovieLensLatest(dir, ctx);
  else await loadMovieLens100k(dir, ctx);
  return layout;
}
