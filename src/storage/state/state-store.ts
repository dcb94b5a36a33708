import { PalateError } from "../../core/errors.js";

/**
 * The stages of a model version in the registry. A version enters as a `candidate`; the
 * registry (not the store) decides which moves are legal (see `src/experiments/registry.ts`).
 */
export const STAGES = ["candidate", "canary", "champion", "retired", "rolled-back", "rejected"] as const;
export type Stage = (typeof STAGES)[number];

/** A registered model version. */
export interface ModelVersionRecord {
  version: string;
  /** Where the artifact lives (inside the registry directory). */
  dir: string;
  stage: Stage;
  /** Unix milliseconds. */
  registeredAt: number;
  /** Offline metrics from training and the gate (nDCG@10, coverage, …). */
  metrics: Record<string, number>;
  /** The manifest's data snapshot (interactions, max timestamp), for freshness checks. */
  dataSnapshot: { interactions: number; maxTimestamp: number | null; source: string };
}

/** One stage change, with why and the numbers behind it. */
export interface Transition {
  version: string;
  from: Stage | null;
  to: Stage;
  /** Unix milliseconds (the injectable clock's). */
  at: number;
  reason: string;
  /** Who decided: "controller", "admin", "cli", "gate". */
  actor: string;
  stats?: Record<string, unknown>;
}

/** The live experiment: the champion, and the canary receiving `percent` of users. */
export interface ExperimentState {
  /** Hashed with the user id for sticky assignment; a new canary gets a new id. */
  id: string;
  champion: string;
  canary: string | null;
  /** Share of users on the canary, 0–100. */
  percent: number;
  /** Unix milliseconds when the canary started. */
  startedAt: number;
  paused: boolean;
}

/** An atomic change of the registry: stages, the experiment, and their history together. */
export interface RegistryChange {
  /** Apply only if the store is still at this revision (optimistic concurrency); else no-op. */
  expectRevision?: number;
  /**
   * A version to add in the same commit (the whole change fails if it is already registered), so
   * a registration and its first history entry land together or not at all.
   */
  register?: ModelVersionRecord;
  stages: { version: string; to: Stage }[];
  /** undefined leaves the experiment as it is; null clears it. */
  experiment?: ExperimentState | null;
  transitions: Transition[];
}

/** Where an incremental reader (the controller) is: an opaque cursor and its aggregates. */
export interface Checkpoint {
  cursor: string;
  state: unknown;
}

/**
 * The state store (blueprint: "Stores"): registry stages, experiment state, decisions and the
 * controller's lease and checkpoints. Backends: SQLite (embedded) and Redis (shared by replicas).
 * Every write bumps `revision`, which serving replicas poll to hot-swap models.
 */
export interface StateStore {
  readonly backend: string;
  /** A counter that every write increases. */
  revision(): Promise<number>;
  /** Adds a version; rejects if the version exists. */
  putVersion(record: ModelVersionRecord): Promise<void>;
  /** One version with its current stage, or null when it was never registered. */
  getVersion(version: string): Promise<ModelVersionRecord | null>;
  /** Every version, oldest registration first. */
  listVersions(): Promise<ModelVersionRecord[]>;
  /** Applies a change atomically; false (and nothing changed) when `expectRevision` is stale. */
  commit(change: RegistryChange): Promise<boolean>;
  /** The live experiment, or null before the first champion. */
  getExperiment(): Promise<ExperimentState | null>;
  /** Transitions, oldest first (the last `limit` when given). */
  history(limit?: number): Promise<Transition[]>;
  /** Takes or renews a named lease for `ttlMs`; false when another owner holds it. */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives a lease up at once (a no-op unless `owner` holds it), so a successor need not wait. */
  releaseLease(name: string, owner: string): Promise<void>;
  /** The last checkpoint stored under `name`; it outlives the lease, for the next holder. */
  getCheckpoint(name: string): Promise<Checkpoint | null>;
  /** Stores a checkpoint, only while `owner` holds the lease `name` (false otherwise). */
  putCheckpoint(name: string, owner: string, checkpoint: Checkpoint): Promise<boolean>;
  /** Releases the connection; the store is unusable afterwards. */
  close(): Promise<void>;
}

/** Refuses a lease request no backend could honour (an empty name or owner, a ttl that is not positive). */
export function checkLease(name: string, owner: string, ttlMs: number): void {
  if (name === "" || owner === "") throw new PalateError("a lease needs a non-empty name and owner");
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw new PalateError(`lease '${name}': ttl must be a positive number of ms, got ${ttlMs}`);
  }
}
