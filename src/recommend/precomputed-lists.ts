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

/** A stored list read in place (no copy): entry `c` starts at byte `c * ENTRY_BYTES` of `view`. */
export interface StoredList {
  view: DataView;
  length: number;
}

/** The stored bytes as a list to read in place; `where` names the key in the error for a value of the wrong size. */
export function storedList(bytes: Uint8Array, where: string): StoredList {
  if (bytes.byteLength % ENTRY_BYTES !== 0) {
    throw new PalateError(
      `${where}: ${bytes.byteLength} bytes is not a candidate list (${ENTRY_BYTES} per entry)`,
    );
  }
  return {
    view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    length: bytes.byteLength / ENTRY_BYTES,
  };
}

/** A list from its stored bytes, copied out; `where` names the key in the error for a value of the wrong size. */
export function decodeList(bytes: Uint8Array, where: string): PrecomputedList {
  const stored = storedList(bytes, where);
  const n = stored.length;
  const list = {
    items: new Int32Array(n),
    scores: new Float32Array(n),
    shifts: new Float32Array(n),
    reasons: new Uint16Array(n),
  };
  for (let c = 0; c < n; c++) {
    const entry = entryAt(stored, c);
    list.items[c] = entry.item;
    list.scores[c] = entry.score;
    list.shifts[c] = entry.shift;
    list.reasons[c] = entry.reasons;
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
): StoredList | null {
  if (!bytes || request.near || request.at !== undefined || request.diversity > 0) return null;
  if (prefs?.home_lat !== undefined && prefs.home_lon !== undefined) return null;
  try {
    return storedList(bytes, `candidate list of user '${request.userId}'`);
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
  const seen = new Set(model.trainedItems(userIndex));
  const accept = candidateFilter(model.catalog, { seen, exclude: new Set() });
  const home = declaredHome(model.hybrid.learned.userMeta[userIndex]?.attributes);
  const modelItems = (item: number) => item < model.catalog.modelItems && accept(item);
  // The index pool of a k = 10 request (and no wider: the pool's size is most of the cost), so
  // the list's head is what the index path answers the usual request with.
  const found = retrieveInContext(model, q, size, modelItems, homeContext(home), contextPool(10), seen.size);
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

/** One ranked candidate; `reasons` is a `ServingModel.reasonCode`, or −1 when not known. */
export interface RankedEntry {
  item: number;
  score: number;
  shift: number;
  reasons: number;
}

/** Accepted entry positions of the list being ranked (reused: ranking is synchronous). */
let accepted = new Int32Array(DEFAULT_LIST_SIZE);

/** Entry `c` of a stored list. */
function entryAt({ view }: StoredList, c: number): RankedEntry {
  const at = c * ENTRY_BYTES;
  return {
    item: view.getInt32(at, true),
    score: view.getFloat32(at + 4, true),
    shift: view.getFloat32(at + 8, true),
    reasons: view.getUint16(at + 12, true),
  };
}

/** Whether a stored list is in ranked order (score descending, ties by item), as the push writes it. */
function inRankedOrder({ view, length }: StoredList): boolean {
  for (let c = 1; c < length; c++) {
    const score = view.getFloat32(c * ENTRY_BYTES + 4, true);
    const before = view.getFloat32((c - 1) * ENTRY_BYTES + 4, true);
    if (score > before) return false;
    if (score === before && view.getInt32(c * ENTRY_BYTES, true) < view.getInt32((c - 1) * ENTRY_BYTES, true))
      return false;
  }
  return true;
}

/**
 * The best `k` of a stored list for a plain request: entries passing `accept` (deleted and
 * excluded items fail it), merged with the items added since training, scored exactly as the
 * index path scores them in the context of `home()`; best first, ties by item index. Null when
 * the list cannot answer: filters left fewer than `k`, or more items were added than merging is
 * worth. This runs on every plain request, so the usual case (nothing added, the list in ranked
 * order as the push writes it) reads the list in place, filters only until k entries passed,
 * and makes objects of those k alone.
 */
export function rankPrecomputed(
  model: ServingModel,
  q: Float32Array,
  list: StoredList,
  accept: (item: number) => boolean,
  home: () => { lat: number; lon: number } | null,
  k: number,
): RankedEntry[] | null {
  const added = model.catalog.size - model.catalog.modelItems;
  if (added > MAX_MERGED_ADDITIONS) return null;
  const ranked = added === 0 && inRankedOrder(list);
  if (accepted.length < list.length) accepted = new Int32Array(list.length);
  let count = 0;
  for (let c = 0; c < list.length && !(ranked && count === k); c++) {
    const item = list.view.getInt32(c * ENTRY_BYTES, true);
    if (item >= 0 && item < model.catalog.modelItems && accept(item)) accepted[count++] = c;
  }
  if (count < k) return null;
  const kept = Array.from({ length: count }, (_, r) => entryAt(list, accepted[r]));
  if (ranked) return kept;
  if (added > 0) {
    const shiftOf = contextShifter(model, q, homeContext(home()));
    for (let item = model.catalog.modelItems; item < model.catalog.size; item++) {
      if (!accept(item)) continue;
      const shift = shiftOf(item);
      kept.push({ item, score: model.score(q, item) + shift, shift, reasons: -1 });
    }
  }
  kept.sort((a, b) => b.score - a.score || a.item - b.item);
  return kept.slice(0, k);
}
