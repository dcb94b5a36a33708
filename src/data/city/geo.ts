import type { Random } from "../../math/random.js";
import { CITY_CENTRE, CITY_SIZE_KM, GRID_CELLS_PER_SIDE } from "./constants.js";

/**
 * The city lives on a flat km plane (x east, y north, origin at the south-west corner); files
 * carry latitude and longitude. At 20 km across the flat approximation is off by well under 1%.
 */

const KM_PER_DEGREE_LAT = 111.32;
const KM_PER_DEGREE_LON = KM_PER_DEGREE_LAT * Math.cos((CITY_CENTRE.lat * Math.PI) / 180);
const HALF = CITY_SIZE_KM / 2;

/** The latitude of plane coordinate `y` (km). */
export function latOf(y: number): number {
  return CITY_CENTRE.lat + (y - HALF) / KM_PER_DEGREE_LAT;
}

/** The longitude of plane coordinate `x` (km). */
export function lonOf(x: number): number {
  return CITY_CENTRE.lon + (x - HALF) / KM_PER_DEGREE_LON;
}

/** The plane coordinate y (km) of a latitude. */
export function yOf(lat: number): number {
  return HALF + (lat - CITY_CENTRE.lat) * KM_PER_DEGREE_LAT;
}

/** The plane coordinate x (km) of a longitude. */
export function xOf(lon: number): number {
  return HALF + (lon - CITY_CENTRE.lon) * KM_PER_DEGREE_LON;
}

/** Side of a sampler grid cell, in km. */
export const CELL_KM = CITY_SIZE_KM / GRID_CELLS_PER_SIDE;
/** Number of sampler grid cells. */
export const CELL_COUNT = GRID_CELLS_PER_SIDE * GRID_CELLS_PER_SIDE;

/** The grid cell holding point (x, y); points on the city's edge belong to the edge cells. */
export function cellOf(x: number, y: number): number {
  const last = GRID_CELLS_PER_SIDE - 1;
  const cx = Math.min(last, Math.max(0, Math.floor(x / CELL_KM)));
  const cy = Math.min(last, Math.max(0, Math.floor(y / CELL_KM)));
  return cy * GRID_CELLS_PER_SIDE + cx;
}

/**
 * The gap (km) between coordinate `v` and the `index`-th band of grid cells along one axis (0 when
 * inside). The larger of a cell's two gaps is a lower bound on the distance from the point to every
 * restaurant in the cell, which keeps the sampler's distance acceptance at most 1.
 */
export function axisGap(v: number, index: number): number {
  const lo = index * CELL_KM;
  return v < lo ? lo - v : v > lo + CELL_KM ? v - lo - CELL_KM : 0;
}

/** A point on the city plane, reused as an out-parameter. */
export interface PlanePoint {
  x: number;
  y: number;
}

/**
 * Draws a point into `out`: with probability `centreShare` from a normal cluster around the
 * centre (redrawn until inside the city), otherwise uniform over the city; hence a denser centre.
 */
export function drawCityPoint(rng: Random, centreShare: number, spreadKm: number, out: PlanePoint): void {
  if (rng.next() < centreShare) {
    do {
      out.x = HALF + spreadKm * rng.normal();
      out.y = HALF + spreadKm * rng.normal();
    } while (out.x < 0 || out.x > CITY_SIZE_KM || out.y < 0 || out.y > CITY_SIZE_KM);
  } else {
    out.x = rng.next() * CITY_SIZE_KM;
    out.y = rng.next() * CITY_SIZE_KM;
  }
}
