import type { Interaction } from "../../core/types.js";

/**
 * The source of truth for training: an append-only log of interactions. Backends are chosen by
 * URL (`sqlite:PATH`, `sqlite::memory:`); every backend passes `interaction-store.contract.ts`.
 */
export interface InteractionStore {
  /** Appends a batch atomically (all or nothing). */
  append(batch: readonly Interaction[]): Promise<void>;
  /** Every interaction in append order, in batches of at most `batchSize`. */
  readAll(batchSize?: number): AsyncIterable<Interaction[]>;
  /** Interactions with `timestamp >= since` (unix seconds), in append order. */
  readSince(since: number, batchSize?: number): AsyncIterable<Interaction[]>;
  count(): Promise<number>;
  /** Count of interactions with `timestamp >= since`. */
  countSince(since: number): Promise<number>;
  close(): Promise<void>;
}
