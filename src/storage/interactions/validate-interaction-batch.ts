import { InputError } from "../../core/errors.js";
import { type Interaction, InteractionSchema } from "../../core/types.js";

/**
 * Checks every interaction of a batch against `InteractionSchema` before anything is written, so
 * that every backend rejects a bad batch as a whole with the same message: the index in the batch
 * and the field, e.g. `interaction batch[3]: field 'userId': must not be empty`.
 */
export function validateInteractionBatch(batch: readonly Interaction[]): void {
  if (!Array.isArray(batch)) {
    throw new InputError({ source: "interaction batch" }, "expected an array of interactions");
  }
  for (let i = 0; i < batch.length; i++) {
    const result = InteractionSchema.safeParse(batch[i]);
    if (result.success) continue;
    const issue = result.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.map(String).join(".") : undefined;
    throw new InputError({ source: `interaction batch[${i}]`, field }, issue.message);
  }
}

/** Checks a `batchSize` argument of a read: a positive integer. */
export function validateBatchSize(batchSize: number, method: string): void {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new InputError(
      { source: method, field: "batchSize" },
      `must be a positive integer, got ${String(batchSize)}`,
    );
  }
}

/** Checks a `since` argument: any number but NaN (±Infinity mean "everything" and "nothing"). */
export function validateSince(since: number, method: string): void {
  if (typeof since !== "number" || Number.isNaN(since)) {
    throw new InputError({ source: method, field: "since" }, `must be a number, got ${String(since)}`);
  }
}
