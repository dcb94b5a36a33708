import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { type Clock, systemClock } from "../../core/clock.js";
import { PalateError } from "../../core/errors.js";
import { enableWal } from "../sqlite-wal.js";
import {
  type Checkpoint,
  checkLease,
  type ExperimentState,
  type ModelVersionRecord,
  type RegistryChange,
  type StateStore,
  type Transition,
} from "./state-store.js";

/** Options of the SQLite state store. */
export interface SqliteStateStoreOptions {
  /** The clock leases expire on (blueprint: "Time"); default the system clock. */
  now?: Clock;
  /** How long a write waits for another process's write before failing (default 5,000 ms). */
  busyTimeoutMs?: number;
}

// `meta` is a single row: the revision every write bumps, and the experiment (JSON or NULL).
// A version's record is stored as registered, with its stage kept in sync inside it; `seq` keeps
// registration order. Lease expiry is a timestamp on the injectable clock, not SQLite's.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL, experiment TEXT);
  INSERT OR IGNORE INTO meta (id, revision, experiment) VALUES (1, 0, NULL);
  CREATE TABLE IF NOT EXISTS versions (seq INTEGER PRIMARY KEY AUTOINCREMENT, version TEXT NOT NULL UNIQUE, record TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS transitions (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at REAL NOT NULL);
  CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, cursor TEXT NOT NULL, state TEXT NOT NULL);
`;

type Lease = { owner: string; expires_at: number };

/**
 * The embedded state store: one SQLite file (WAL), every write in an immediate transaction so
 * processes sharing the file (a CLI next to a server and a controller) serialise, and a commit's
 * revision check and its writes can never interleave with another writer's.
 */
export class SqliteStateStore implements StateStore {
  readonly backend = "sqlite";
  /** The absolute file path, or `:memory:`. */
  readonly filename: string;
  private readonly db: Database.Database;
  private readonly now: Clock;
  private readonly sql: ReturnType<typeof statements>;

  constructor(filename: string, options: SqliteStateStoreOptions = {}) {
    this.filename = filename === ":memory:" ? filename : resolve(filename);
    this.now = options.now ?? systemClock;
    try {
      if (filename !== ":memory:") mkdirSync(dirname(this.filename), { recursive: true });
      this.db = new Database(this.filename, { timeout: options.busyTimeoutMs ?? 5000 });
      enableWal(this.db, options.busyTimeoutMs ?? 5000);
      this.db.exec(SCHEMA);
      this.sql = statements(this.db);
    } catch (cause) {
      throw new PalateError(`cannot open state store '${this.filename}': ${(cause as Error).message}`, {
        cause,
      });
    }
  }

  async revision(): Promise<number> {
    return this.sql.revision.get() as number;
  }

  async putVersion(record: ModelVersionRecord): Promise<void> {
    this.db
      .transaction(() => {
        if (this.sql.version.get(record.version) !== undefined) {
          throw new PalateError(`version ${record.version} is already registered`);
        }
        this.sql.insertVersion.run(record.version, JSON.stringify(record));
        this.sql.bump.run();
      })
      .immediate();
  }

  async getVersion(version: string): Promise<ModelVersionRecord | null> {
    const json = this.sql.version.get(version) as string | undefined;
    return json === undefined ? null : (JSON.parse(json) as ModelVersionRecord);
  }

  async listVersions(): Promise<ModelVersionRecord[]> {
    return (this.sql.versions.all() as string[]).map((json) => JSON.parse(json) as ModelVersionRecord);
  }

  async commit(change: RegistryChange): Promise<boolean> {
    return this.db
      .transaction(() => {
        const current = this.sql.revision.get() as number;
        if (change.expectRevision !== undefined && change.expectRevision !== current) return false;
        const added = change.register;
        if (added) {
          if (this.sql.version.get(added.version) !== undefined) {
            throw new PalateError(`version ${added.version} is already registered`);
          }
          this.sql.insertVersion.run(added.version, JSON.stringify(added));
        }
        for (const { version, to } of change.stages) {
          const json = this.sql.version.get(version) as string | undefined;
          // Throwing rolls back the whole transaction: a bad change leaves nothing behind.
          if (json === undefined) throw new PalateError(`commit: version ${version} is not registered`);
          this.sql.updateVersion.run(JSON.stringify({ ...JSON.parse(json), stage: to }), version);
        }
        if (change.experiment !== undefined) {
          this.sql.setExperiment.run(change.experiment === null ? null : JSON.stringify(change.experiment));
        }
        for (const t of change.transitions) this.sql.insertTransition.run(JSON.stringify(t));
        this.sql.bump.run();
        return true;
      })
      .immediate();
  }

  async getExperiment(): Promise<ExperimentState | null> {
    const json = this.sql.experiment.get() as string | null;
    return json === null ? null : (JSON.parse(json) as ExperimentState);
  }

  async history(limit?: number): Promise<Transition[]> {
    if (limit !== undefined && limit <= 0) return [];
    const rows = (limit === undefined ? this.sql.history.all() : this.sql.lastHistory.all(limit)) as string[];
    return rows.map((json) => JSON.parse(json) as Transition);
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    checkLease(name, owner, ttlMs);
    return this.db
      .transaction(() => {
        const now = this.now();
        const lease = this.sql.lease.get(name) as Lease | undefined;
        if (lease && lease.owner !== owner && lease.expires_at > now) return false;
        this.sql.upsertLease.run(name, owner, now + ttlMs);
        return true;
      })
      .immediate();
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    this.sql.deleteLease.run(name, owner);
  }

  async getCheckpoint(name: string): Promise<Checkpoint | null> {
    const row = this.sql.checkpoint.get(name) as { cursor: string; state: string } | undefined;
    return row ? { cursor: row.cursor, state: JSON.parse(row.state) } : null;
  }

  async putCheckpoint(name: string, owner: string, checkpoint: Checkpoint): Promise<boolean> {
    return this.db
      .transaction(() => {
        const lease = this.sql.lease.get(name) as Lease | undefined;
        if (!lease || lease.owner !== owner || lease.expires_at <= this.now()) return false;
        this.sql.upsertCheckpoint.run(name, checkpoint.cursor, JSON.stringify(checkpoint.state ?? null));
        return true;
      })
      .immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Every statement, prepared once: replicas poll `revision()` every second or so. */
function statements(db: Database.Database) {
  return {
    revision: db.prepare("SELECT revision FROM meta WHERE id = 1").pluck(),
    bump: db.prepare("UPDATE meta SET revision = revision + 1 WHERE id = 1"),
    experiment: db.prepare("SELECT experiment FROM meta WHERE id = 1").pluck(),
    setExperiment: db.prepare("UPDATE meta SET experiment = ? WHERE id = 1"),
    version: db.prepare("SELECT record FROM versions WHERE version = ?").pluck(),
    versions: db.prepare("SELECT record FROM versions ORDER BY seq").pluck(),
    insertVersion: db.prepare("INSERT INTO versions (version, record) VALUES (?, ?)"),
    updateVersion: db.prepare("UPDATE versions SET record = ? WHERE version = ?"),
    insertTransition: db.prepare("INSERT INTO transitions (body) VALUES (?)"),
    history: db.prepare("SELECT body FROM transitions ORDER BY seq").pluck(),
    lastHistory: db
      .prepare("SELECT body FROM (SELECT seq, body FROM transitions ORDER BY seq DESC LIMIT ?) ORDER BY seq")
      .pluck(),
    lease: db.prepare("SELECT owner, expires_at FROM leases WHERE name = ?"),
    upsertLease: db.prepare(
      "INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?) " +
        "ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at",
    ),
    deleteLease: db.prepare("DELETE FROM leases WHERE name = ? AND owner = ?"),
    checkpoint: db.prepare("SELECT cursor, state FROM checkpoints WHERE name = ?"),
    upsertCheckpoint: db.prepare(
      "INSERT INTO checkpoints (name, cursor, state) VALUES (?, ?, ?) " +
        "ON CONFLICT(name) DO UPDATE SET cursor = excluded.cursor, state = excluded.state",
    ),
  };
}
