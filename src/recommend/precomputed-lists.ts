import { PalateError } from "../core/errors.js";
import { historyOf } from "../models/hybrid/validation-users.js";
import { declaredHome } from "../models/popularity/context-events.js";
import type { Preferences } from "../storage/features/feature-store.js";
import { candidateFilter } from "./candidate-filter.js";
import { contextPool, contextShifter, retrieveInContext } from "./context-popularity.js";
import type { RecommendRequest } from "./recommend-types.js";
import type { Candidates } from "./retrieve.js";
import type { ServingModel } from "./serving-model.js";

/**
 * Precomputed candidate lists: for every user of a pushed model version, the best items of the
 * user's stored query in the context a plain request is asked from (the declared home), computed
 * once by `palate features push` and stored beside the vector. A plain request (no place, no
 * time, no diversity) then ranks this short list instead of searching the ANN index, which was
 * most of a request's CPU. The list covers the model's own items only: items added through the
 * API since are scored exactly and merged in, deleted and excluded items are filtered out, and
 * when filters leave fewer than k the request takes the index path (README, "Serving").
 */

/** Entries a pushed list holds unless configured otherwise: k = 10 with room for filters. */
export const DEFAULT_LIST_SIZE = 50;
/** Items added since training beyond which merging costs more than searching the index. */
const MAX_MERGED_ADDITIONS = 2000;
/**
 * Bytes per entry, little-endian: item index (int32), score (float32), context shift (float32),
 * reasons (uint16, `ServingModel.reasonCode`: computing them per request was 8% of its CPU).
 */
const ENTRY_BYTES = 14;

/** A user's list as parallel arrays, best first; `shifts` as in `Candidates`. */
export type PrecomputedList = Required<Candidates> & { reasons: Uint16Array };

/** Candidates with each one's packed reasons (−1: not known, compute them). */
export type ReasonedCandidates = Candidates & { reasons: ArrayLike<number> };

/** The bytes a list is stored as. */
export function encodeList(list: ReasonedCandidates): Uint8Array {
  const n = list.items.length;
  const view = new DataView(new ArrayBuffer(n * ENTRY_BYTES));
  for (let c = 0; c < n; c++) {
    view.setInt32(c * ENTRY_BYTES, list.items[c], true);
    view.setFloat32(c * ENTRY_BYTES + 4, list.scores[c], true);
    view.setFloat32(c * ENTRY_BYTES + 8, list.shifts?.[c] ?? 0, true);
    view.setUint16(c * ENTRY_BYTES + 12, list.reasons[c], true);
  }
  return new Uint8Array(view.buffer);
}

/** A list from its stored bytes; `where` names the key in the error for a value of the wrong size. */
export function decodeList(bytes: Uint8Array, where: string): PrecomputedList {
  if (bytes.byteLength % ENTRY_BYTES !== 0) {
    throw new PalateError(
      `${where}: ${bytes.byteLength} bytes is not a candidate list (${ENTRY_BYTES} per entry)`,
    );
  }
  const n = bytes.byteLength / ENTRY_BYTES;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const list = {
    items: new Int32Array(n),
    scores: new Float32Array(n),
    shifts: new Float32Array(n),
    reasons: new Uint16Array(n),
  };
  for (let c = 0; c < n; c++) {
    list.items[c] = view.getInt32(c * ENTRY_BYTES, true);
    list.scores[c] = view.getFloat32(c * ENTRY_BYTES + 4, true);
    list.shifts[c] = view.getFloat32(c * ENTRY_BYTES + 8, true);
    list.reasons[c] = view.getUint16(c * ENTRY_BYTES + 12, true);
  }
  return list;
}

/**
 * The stored list when it answers `request`: a plain one (no place, no time, no diversity) asked
 * from the home the list was computed from (no home declared since). A value that does not
 * decode is reported through `onCorrupt` and the index path answers, rather than failing the
 * request.
 */
export function applicableList(
  bytes: Uint8Array | null,
  request: RecommendRequest,
  prefs: Preferences | null,
  onCorrupt: () => void,
): PrecomputedList | null {
  if (!bytes || request.near || request.at !== undefined || request.diversity > 0) return null;
  if (prefs?.home_lat !== undefined && prefs.home_lon !== undefined) return null;
  try {
    return decodeList(bytes, `candidate list of user '${request.userId}'`);
  } catch {
    onCorrupt();
    return null;
  }
}

/** The context a plain request of a user is asked from: the home, as `RecommendService.personal`. */
function homeContext(home: { lat: number; lon: number } | null) {
  return home ? { near: { ...home, radiusKm: 0 } } : {};
}

/**
 * The list of training user `userIndex` for query `q`: the best `size` model items the user has
 * not trained on, asked from the user's home in the training metadata (what serving asks a plain
 * request from when the user declared no preferences).
 */
export function precomputeList(
  model: ServingModel,
  userIndex: number,
  q: Float32Array,
  size: number,
): ReasonedCandidates {
  const accept = candidateFilter(model.catalog, {
    seen: new Set(model.trainedItems(userIndex)),
    exclude: new Set(),
  });
  const home = declaredHome(model.hybrid.learned.userMeta[userIndex]?.attributes);
  const modelItems = (item: number) => item < model.catalog.modelItems && accept(item);
  // The index pool of a k = 10 request (and no wider: the pool's size is most of the cost), so
  // the list's head is what the index path answers the usual request with.
  const found = retrieveInContext(model, q, size, modelItems, homeContext(home), contextPool(10));
  const reasons = Uint16Array.from(found.items, (item, c) =>
    model.reasonCode(model.reasonsFor(q, item, found.shifts?.[c] ?? 0)),
  );
  return { ...found, reasons };
}

/** Lists computed on this thread, one user at a time (tests, small models; see ListWorkers). */
export function listsInProcess(model: ServingModel, size: number) {
  const { train, userMeta } = model.hybrid.learned;
  return {
    threads: 1,
    async lists(start: number, end: number): Promise<Uint8Array[]> {
      const lists: Uint8Array[] = [];
      for (let u = start; u < end; u++) {
        const q = model.hybrid.queryFor(historyOf(train, u, userMeta[u]));
        lists.push(encodeList(precomputeList(model, u, q, size)));
      }
      return lists;
    },
  };
}

/**
 * The best `k` of a stored list for a plain request: entries passing `accept` (deleted and
 * excluded items fail it), merged with the items added since training, scored exactly as the
 * index path scores them. Null when the list cannot answer: filters left fewer than `k`, or
 * more items were added than merging is worth.
 */
export function rankPrecomputed(
  model: ServingModel,
  q: Float32Array,
  list: PrecomputedList,
  accept: (item: number) => boolean,
  home: { lat: number; lon: number } | null,
  k: number,
): ReasonedCandidates | null {
  const added = model.catalog.size - model.catalog.modelItems;
  if (added > MAX_MERGED_ADDITIONS) return null;
  const kept: { item: number; score: number; shift: number; reasons: number }[] = [];
  for (let c = 0; c < list.items.length; c++) {
    const item = list.items[c];
    if (item >= 0 && item < model.catalog.modelItems && accept(item))
      kept.push({ item, score: list.scores[c], shift: list.shifts[c], reasons: list.reasons[c] });
  }
  if (kept.length < k) return null;
  if (added > 0) {
    const shiftOf = contextShifter(model, q, homeContext(home));
    for (let item = model.catalog.modelItems; item < model.catalog.size; item++) {
      if (!accept(item)) continue;
      const shift = shiftOf(item);
      kept.push({ item, score: model.score(q, item) + shift, shift, reasons: -1 });
    }
  }
  kept.sort((a, b) => b.score - a.score || a.item - b.item);
  const best = kept.slice(0, k);
  return {
    items: Int32Array.from(best, (e) => e.item),
    scores: Float32Array.from(best, (e) => e.score),
    shifts: Float32Array.from(best, (e) => e.shift),
    reasons: Int32Array.from(best, (e) => e.reasons),
  };
}
