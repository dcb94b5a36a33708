import type { CsrMatrix } from "../core/csr.js";
import { type Dataset, interactionMatrix } from "../core/dataset.js";
import type { InteractionTable } from "../core/interaction-table.js";
import { InteractionSink } from "../data/loaders/interaction-sink.js";
import { createLoadContext, finishDataset } from "../data/loaders/load-context.js";
import type { Split } from "../evaluation/splits.js";
import { temporalSplit } from "../evaluation/temporal-split.js";
import type { HybridModel } from "../models/hybrid/hybrid-model.js";
import type { LoadedModel } from "../models/model-kinds.js";
import type { TrainingData } from "../models/recommender.js";
import type { InteractionStore } from "../storage/interactions/interaction-store.js";

/** The event type of the rows that stand in for a champion's training data (see `datasetFromStore`). */
export const CHAMPION_HISTORY = "champion-history";

/**
 * The interaction store's data as a dataset in the champion's index space: the champion's users
 * and items keep their indices (so the champion can be scored on the same split without
 * remapping) with the metadata its artifact carries (a hybrid keeps item metadata and declared
 * user preferences); ids first seen in the store come after, without metadata.
 *
 * When the store holds less than the champion trained on up to its snapshot (`since`, unix
 * seconds) — it was started beside a model trained elsewhere, and only the ingest has filled it
 * since — the champion's training matrix (every artifact keeps it) stands in for everything up to
 * `since`: one row per trained pair, weighing what the pair weighed, stamped at `since`, of type
 * `champion-history`; the store then contributes only what is newer. Otherwise a retrain would
 * forget the history the store never held, and each generation would know less.
 */
export async function datasetFromStore(
  store: InteractionStore,
  champion: LoadedModel,
  since: number,
): Promise<Dataset> {
  const stored = await store.count();
  const after = Number.isFinite(since) ? since + 1e-3 : Number.NEGATIVE_INFINITY;
  const newer = Number.isFinite(since) ? await store.countSince(after) : stored;
  const standIn = stored - newer < champion.manifest.dataSnapshot.interactions;
  const ctx = createLoadContext({}, Math.max(1024, stored + champion.train.indices.length));
  const learned = champion.manifest.kind === "hybrid" ? (champion.model as HybridModel).learned : null;
  for (const [i, id] of champion.items.toArray().entries()) {
    ctx.items.add(id);
    ctx.itemMeta[i] = learned?.itemMeta[i];
  }
  for (const [u, id] of champion.users.toArray().entries()) {
    ctx.users.add(id);
    ctx.userMeta[u] = learned?.userMeta[u];
  }
  const sink = new InteractionSink(ctx, "interaction store", {
    user: "userId",
    item: "itemId",
    type: "type",
  });
  if (standIn) {
    const m = champion.train;
    const at = Number.isFinite(since) ? since : 0;
    for (let u = 0; u < m.nRows; u++)
      for (let e = m.indptr[u]; e < m.indptr[u + 1]; e++)
        ctx.interactions.push(u, m.indices[e], m.values[e], at, CHAMPION_HISTORY);
  }
  let row = 0;
  for await (const batch of standIn ? store.readSince(after) : store.readAll()) {
    for (const x of batch) sink.add(++row, x.userId, x.itemId, x.value, x.timestamp, x.type);
  }
  return finishDataset(ctx, "interaction-store");
}

/** The candidate's training data and the holdout both models are judged on. */
export interface GateSplit {
  split: Split;
  /** Pairs first met at or after `cut` (unix seconds) are held out. */
  cut: number;
  /** The candidate's training data: the pairs before the cut, with their raw count and newest time. */
  training: TrainingData;
}

/**
 * The gate's holdout: the newest `holdoutShare` of the interactions newer than the champion's
 * snapshot (`since`, unix seconds). Neither model has seen them — the champion was trained
 * before `since`, the candidate trains on everything before the cut — so the comparison is fair,
 * and it asks the question retraining is for: does the model predict what users do next? The
 * split assigns whole (user, item) pairs by the time the user first met the item, so a held-out
 * pair never appears in training (a repeat visit to a known restaurant is not a prediction).
 */
export function gateSplit(dataset: Dataset, since: number, holdoutShare: number): GateSplit {
  const t = dataset.interactions;
  const fresh: number[] = [];
  for (let i = 0; i < t.length; i++) if (t.timestamp[i] > since) fresh.push(t.timestamp[i]);
  fresh.sort((a, b) => a - b);
  const cut =
    fresh.length === 0
      ? Number.POSITIVE_INFINITY
      : fresh[Math.min(fresh.length - 1, Math.floor((1 - holdoutShare) * fresh.length))];
  const split = temporalSplit(interactionMatrix(dataset), { cut });
  let before = 0;
  let newest: number | null = null;
  for (let i = 0; i < t.length; i++) {
    if (t.timestamp[i] >= cut) continue;
    before++;
    if (newest === null || t.timestamp[i] > newest) newest = t.timestamp[i];
  }
  const training: TrainingData = {
    matrix: split.train,
    users: dataset.users,
    items: dataset.items,
    itemMeta: dataset.itemMeta,
    userMeta: dataset.userMeta,
    source: dataset.name,
    interactionCount: before,
    maxTimestamp: newest,
    // Events before the cut are exactly the events of the training pairs (a pair is in train when
    // its first event is), so context-aware parts see no held-out event. Stand-in history rows
    // carry no real time or place and are left out.
    interactions: eventsBefore(t, cut),
  };
  return { split, cut, training };
}

/** The real events with a timestamp before `cut`, in their order. */
function eventsBefore(t: InteractionTable, cut: number): InteractionTable {
  const standIn = t.types.indexOf(CHAMPION_HISTORY);
  const keep: number[] = [];
  for (let i = 0; i < t.length; i++) if (t.timestamp[i] < cut && t.typeCode[i] !== standIn) keep.push(i);
  const pick = <A extends Int32Array | Float32Array | Float64Array | Uint16Array>(a: A, out: A): A => {
    keep.forEach((row, j) => {
      out[j] = a[row];
    });
    return out;
  };
  const n = keep.length;
  return {
    length: n,
    userIndex: pick(t.userIndex, new Int32Array(n)),
    itemIndex: pick(t.itemIndex, new Int32Array(n)),
    weight: pick(t.weight, new Float32Array(n)),
    timestamp: pick(t.timestamp, new Float64Array(n)),
    typeCode: pick(t.typeCode, new Uint16Array(n)),
    types: t.types,
  };
}

/** Rows of a CSR matrix with at least one entry. */
export function usersWithEntries(m: CsrMatrix): number {
  let n = 0;
  for (let u = 0; u < m.nRows; u++) if (m.indptr[u + 1] > m.indptr[u]) n++;
  return n;
}
