import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PalateError } from "../../core/errors.js";
import { CITY_FILES } from "./city-files.js";
import type { ResolvedCityParams } from "./params.js";
import { buildWorld, type CityWorld } from "./world.js";

/** What a generation produced. Everything but `seconds` is deterministic and goes to city.json. */
export interface CitySummary {
  users: number;
  restaurants: number;
  days: number;
  /** First and last (exclusive) unix second of the history. */
  startTime: number;
  endTime: number;
  sessions: number;
  events: number;
  views: number;
  clicks: number;
  bookings: number;
  /** Users and restaurants with at least one event. */
  activeUsers: number;
  activeRestaurants: number;
  /** Share of events on the most popular 10% of restaurants (target ≈ 0.6). */
  top10Share: number;
  /** Choices dropped because every proposal was rejected (should be 0 or nearly). */
  failedDraws: number;
  /** Bytes per output file name. */
  bytes: Record<string, number>;
  /** Wall-clock seconds of the generation (not written to city.json: it would differ per run). */
  seconds: number;
}

/** The content of city.json: format tag, the params that rebuild the world, and the summary. */
export interface CityManifest {
  format: typeof CITY_FORMAT;
  params: ResolvedCityParams;
  summary: Omit<CitySummary, "seconds">;
}

/** Format tag of city.json. */
export const CITY_FORMAT = "palate-city/1";

/** city.json text for a generation (stable key order, so identical runs give identical bytes). */
export function manifestJson(params: ResolvedCityParams, summary: CitySummary): string {
  const { seconds: _seconds, ...rest } = summary;
  const manifest: CityManifest = { format: CITY_FORMAT, params, summary: rest };
  return JSON.stringify(manifest, null, 2) + "\n";
}

/** Reads city.json from a generated city's directory. */
export async function readCityManifest(dir: string): Promise<CityManifest> {
  const path = join(dir, CITY_FILES.manifest);
  const parsed = JSON.parse(await readFile(path, "utf8")) as Partial<CityManifest>;
  if (parsed.format !== CITY_FORMAT || typeof parsed.params !== "object" || parsed.params === null) {
    throw new PalateError(`${path}: not a ${CITY_FORMAT} manifest`);
  }
  return parsed as CityManifest;
}

/** Rebuilds the ground-truth world of a generated city from its city.json. */
export async function loadCityWorld(dir: string): Promise<CityWorld> {
  return buildWorld((await readCityManifest(dir)).params);
}
