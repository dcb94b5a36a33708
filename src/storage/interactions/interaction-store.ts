import type { Interaction } from "../../core/types.js";

/**
 * The source of truth for training: an append-only log of interactions. Backends are chosen by
 * URL (`sqlite:PATH`, `sqlite::memory:`); every backend passes `interaction-store.contract.ts`.
 * Bad arguments reject with `InputError`; using a closed store rejects.
 */
export interface InteractionStore {
  /**
   * Appends a batch atomically (all or nothing). Every interaction is checked against
   * `InteractionSchema` first; one bad row rejects the whole batch with an `InputError` naming its
   * index and field, and nothing is written.
   */
  append(batch: readonly Interaction[]): Promise<void>;
  /**
   * Appends a batch read from an upstream log and records `position` (the log's cursor after the
   * batch) under `source` in the same transaction, so an ingest that crashes between the two can
   * neither lose the batch nor append it twice: it resumes from `positionOf(source)`.
   */
  appendFrom(source: string, position: string, batch: readonly Interaction[]): Promise<void>;
  /** The position last recorded by `appendFrom` for `source`, or null before the first. */
  positionOf(source: string): Promise<string | null>;
  /**
   * Every interaction in append order, in non-empty batches of at most `batchSize` (a positive
   * integer). A read is a snapshot: rows appended after iteration starts wait for the next read.
   */
  readAll(batchSize?: number): AsyncIterable<Interaction[]>;
  /**
   * Interactions with `timestamp >= since` (unix seconds), in append order (not timestamp order),
   * batched and snapshotted like `readAll`.
   */
  readSince(since: number, batchSize?: number): AsyncIterable<Interaction[]>;
  /** Number of interactions stored. */
  count(): Promise<number>;
  /** Count of interactions with `timestamp >= since`. */
  countSince(since: number): Promise<number>;
  /** Releases the store; closing twice is harmless. */
  close(): Promise<void>;
}
