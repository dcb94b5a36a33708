import { hasEntry } from "../../core/csr.js";
import type { InteractionTable } from "../../core/interaction-table.js";
import { periodAt } from "../../data/city/meal-time.js";
import type { TrainingData } from "../recommender.js";
import { ANY, type Cell, type CellGrid, cellOf } from "./context-prior.js";

/** The events the prior counts, each with its context (cell -1/-1 and period ANY when unknown). */
export interface ContextEvents {
  user: Int32Array;
  item: Int32Array;
  time: Float64Array;
  /** Index into `cells`, -1 when the event has no location. */
  cell: Int32Array;
  cells: Cell[];
  period: Int32Array;
}

/** The grid, at the mean latitude of the items with a location (of the users without any). */
export function gridOf(data: TrainingData, cellKm: number): CellGrid | null {
  let sum = 0;
  let n = 0;
  for (const item of data.itemMeta) {
    if (item?.lat !== undefined && item.lon !== undefined) {
      sum += item.lat;
      n++;
    }
  }
  for (let u = 0; n === 0 && u < data.userMeta.length; u++) {
    const home = homeOf(data.userMeta[u]?.attributes);
    if (home) sum += home[0];
    if (home) n++;
  }
  return n === 0 ? null : { refLat: sum / n, cellKm };
}

/**
 * A user's declared home, from the attribute pairs the content model reads too: where the prior
 * counts a user's events, and where a request that names no place is asked from.
 */
export function declaredHome(
  attributes: Record<string, unknown> | undefined,
): { lat: number; lon: number } | null {
  const home = homeOf(attributes);
  return home && { lat: home[0], lon: home[1] };
}

function homeOf(attributes: Record<string, unknown> | undefined): [number, number] | null {
  if (!attributes) return null;
  for (const [latKey, lonKey] of [
    ["home_lat", "home_lon"],
    ["lat", "lon"],
  ]) {
    const lat = attributes[latKey];
    const lon = attributes[lonKey];
    if (typeof lat === "number" && typeof lon === "number") return [lat, lon];
  }
  return null;
}

/**
 * The events of (user, item) pairs in the training matrix, each with its cell and meal period;
 * null when the data has neither times nor locations, or no such event.
 */
export function contextEvents(
  data: TrainingData,
  table: InteractionTable,
  grid: CellGrid | null,
): ContextEvents | null {
  const m = data.matrix;
  let hasTime = false;
  for (let e = 0; e < table.length && !hasTime; e++) hasTime = table.timestamp[e] !== 0;
  if (!hasTime && !grid) return null;
  const keep: number[] = [];
  for (let e = 0; e < table.length; e++) {
    const u = table.userIndex[e];
    const i = table.itemIndex[e];
    if (u >= 0 && u < m.nRows && i >= 0 && i < m.nCols && hasEntry(m, u, i)) keep.push(e);
  }
  if (keep.length === 0) return null;
  const n = keep.length;
  const out: ContextEvents = {
    user: new Int32Array(n),
    item: new Int32Array(n),
    time: new Float64Array(n),
    cell: new Int32Array(n).fill(-1),
    cells: [],
    period: new Int32Array(n).fill(ANY),
  };
  // Cell ids per user home and per item location, computed once each (-2: not yet).
  const cellIds = new Map<string, number>();
  const idOf = (lat: number, lon: number) => {
    const cell = cellOf(grid as CellGrid, lat, lon);
    const name = `${cell.x},${cell.y}`;
    let id = cellIds.get(name);
    if (id === undefined) {
      id = out.cells.length;
      cellIds.set(name, id);
      out.cells.push(cell);
    }
    return id;
  };
  const userCell = new Int32Array(m.nRows).fill(-2);
  const itemCell = new Int32Array(m.nCols).fill(-2);
  for (let j = 0; j < n; j++) {
    const e = keep[j];
    const u = table.userIndex[e];
    const i = table.itemIndex[e];
    out.user[j] = u;
    out.item[j] = i;
    out.time[j] = table.timestamp[e];
    if (hasTime) out.period[j] = periodAt(table.timestamp[e]);
    if (!grid) continue;
    if (userCell[u] === -2) {
      const home = homeOf(data.userMeta[u]?.attributes);
      userCell[u] = home ? idOf(home[0], home[1]) : -1;
    }
    if (userCell[u] >= 0) {
      out.cell[j] = userCell[u];
      continue;
    }
    if (itemCell[i] === -2) {
      const item = data.itemMeta[i];
      itemCell[i] = item?.lat !== undefined && item.lon !== undefined ? idOf(item.lat, item.lon) : -1;
    }
    out.cell[j] = itemCell[i];
  }
  return out;
}
