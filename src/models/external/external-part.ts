import { InputError } from "../../core/errors.js";
import type { IdDictionary } from "../../core/id-dictionary.js";
import type { HybridPart, UserHistory } from "../hybrid/hybrid-part.js";
import { normalise } from "../hybrid/parts.js";
import type { ExternalEmbeddings } from "./read-embeddings.js";

/** Imported vectors aligned to the model's dictionaries (rows of unknown ids are zero). */
export interface AlignedEmbeddings {
  dims: number;
  /** nItems × dims. */
  items: Float32Array;
  /** nUsers × dims, or null when only item vectors were imported. */
  users: Float32Array | null;
  /** 1 where a user row came from the file. */
  userKnown: Int32Array | null;
  missingItems: number;
}

/** Places imported vectors at the rows of the matching dictionary ids. */
export function alignEmbeddings(
  items: ExternalEmbeddings,
  users: ExternalEmbeddings | undefined,
  itemDict: IdDictionary,
  userDict: IdDictionary,
): AlignedEmbeddings {
  const dims = items.dims;
  if (users && users.dims !== dims) {
    throw new InputError(
      { source: "user embeddings" },
      `have ${users.dims} dimensions, item embeddings ${dims}`,
    );
  }
  const alignedItems = new Float32Array(itemDict.size * dims);
  let found = 0;
  items.ids.forEach((id, row) => {
    const index = itemDict.indexOf(id);
    if (index < 0) return;
    alignedItems.set(items.vectors.subarray(row * dims, (row + 1) * dims), index * dims);
    found++;
  });
  let alignedUsers: Float32Array | null = null;
  let userKnown: Int32Array | null = null;
  if (users) {
    alignedUsers = new Float32Array(userDict.size * dims);
    userKnown = new Int32Array(userDict.size);
    users.ids.forEach((id, row) => {
      const index = userDict.indexOf(id);
      if (index < 0) return;
      alignedUsers!.set(users.vectors.subarray(row * dims, (row + 1) * dims), index * dims);
      userKnown![index] = 1;
    });
  }
  return { dims, items: alignedItems, users: alignedUsers, userKnown, missingItems: itemDict.size - found };
}

/**
 * An externally trained embedding (e.g. a two-tower model) as a hybrid part: the imported user
 * vector when the file has one, else the normalised mean of the user's items' vectors.
 */
export function externalPart(aligned: AlignedEmbeddings): HybridPart & { aligned: AlignedEmbeddings } {
  const { dims, items, users, userKnown } = aligned;
  return {
    name: "external",
    aligned,
    dims,
    items,
    query(history: UserHistory, out: Float32Array) {
      const u = history.userIndex;
      if (users && userKnown && u >= 0 && u < userKnown.length && userKnown[u] === 1) {
        out.set(users.subarray(u * dims, (u + 1) * dims));
        return;
      }
      out.fill(0);
      for (const item of history.items) {
        for (let j = 0; j < dims; j++) out[j] += items[item * dims + j];
      }
      normalise(out);
    },
  };
}
