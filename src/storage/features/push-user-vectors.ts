import { InputError } from "../../core/errors.js";
import { HybridModel } from "../../models/hybrid/hybrid-model.js";
import { historyOf } from "../../models/hybrid/validation-users.js";
import type { LoadedModel } from "../../models/model-kinds.js";
import type { FeatureStore, UserVectorEntry } from "./feature-store.js";

/** How `pushUserVectors` batches its writes and reports progress. */
export interface PushUserVectorsOptions {
  /** Users written per `putUserVectors` call, i.e. per pipelined round trip (default 1000). */
  batchSize?: number;
  /** Called after every batch with the users written so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Candidate lists stored beside the vectors (none: vectors only). */
  lists?: ListSource;
}

/**
 * The encoded candidate lists of training users [start, end) (`recommend/precomputed-lists.ts`),
 * computed on `threads` threads: the push keeps that many batches in flight.
 */
export interface ListSource {
  readonly threads: number;
  lists(start: number, end: number): Promise<Uint8Array[]>;
}

/** What a push wrote. */
export interface PushSummary {
  /** The model version the vectors are stored under (`manifest.version`). */
  modelVersion: string;
  users: number;
  /** Floats per vector. */
  dims: number;
  /** Whether candidate lists were pushed with the vectors. */
  lists: boolean;
}

/**
 * Writes the hybrid query vector of every training user of a model version to the feature store,
 * in batches, so serving reads one precomputed vector instead of folding the user in per
 * request. Only hybrid models have the query vectors serving uses; other kinds are an input
 * error. A user's vector is exactly `model.queryFor(historyOf(train, u, userMeta[u]))`.
 */
export async function pushUserVectors(
  loaded: LoadedModel,
  store: FeatureStore,
  options: PushUserVectorsOptions = {},
): Promise<PushSummary> {
  const { model, manifest, users } = loaded;
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be an integer ≥ 1, got ${batchSize}`);
  }
  if (!(model instanceof HybridModel)) {
    throw new InputError(
      { source: `model version '${manifest.version}'` },
      `a ${manifest.kind} model has no user query vectors to push; train a hybrid model`,
    );
  }
  // The state's own matrix and metadata, so the vectors are the ones the model's recommend() uses.
  const { train, userMeta } = model.learned;
  const total = users.size;
  const source = options.lists;
  // Lists of the next batches are computed while this one is written.
  const inFlight = new Map<number, Promise<Uint8Array[]>>();
  const listsOf = (start: number) => {
    if (!source || start >= total) return;
    if (inFlight.has(start)) return;
    const computing = source.lists(start, Math.min(total, start + batchSize));
    computing.catch(() => {}); // awaited below; a failure must not also surface as unhandled
    inFlight.set(start, computing);
  };
  let dims = 0;
  for (let start = 0; start < total; start += batchSize) {
    for (let ahead = 0; ahead <= (source?.threads ?? 0); ahead++) listsOf(start + ahead * batchSize);
    const end = Math.min(total, start + batchSize);
    const entries: UserVectorEntry[] = [];
    for (let u = start; u < end; u++) {
      const vector = model.queryFor(historyOf(train, u, userMeta[u]));
      dims = vector.length;
      entries.push({ userId: users.idAt(u), vector });
    }
    const lists = await inFlight.get(start);
    inFlight.delete(start);
    if (lists) {
      if (lists.length !== entries.length) {
        throw new Error(`list source: ${lists.length} lists for ${entries.length} users from ${start}`);
      }
      entries.forEach((entry, e) => {
        entry.list = lists[e];
      });
    }
    await store.putUserVectors(manifest.version, entries);
    options.onProgress?.(end, total);
  }
  return { modelVersion: manifest.version, users: total, dims, lists: source !== undefined };
}
