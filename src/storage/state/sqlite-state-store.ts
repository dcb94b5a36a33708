import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { type Clock, systemClock } from "../../core/clock.js";
import { PalateError } from "../../core/errors.js";
import type {
  Checkpoint,
  ExperimentState,
  ModelVersionRecord,
  RegistryChange,
  StateStore,
  Transition,
} from "./state-store.js";

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL, experiment TEXT);
  INSERT OR IGNORE INTO meta (id, revision, experiment) VALUES (1, 0, NULL);
  CREATE TABLE IF NOT EXISTS versions (seq INTEGER PRIMARY KEY AUTOINCREMENT, version TEXT NOT NULL UNIQUE, record TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS transitions (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at REAL NOT NULL);
  CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, cursor TEXT NOT NULL, state TEXT NOT NULL);
`;

/**
 * The embedded state store: one SQLite file (WAL), every write in an immediate transaction so
 * processes sharing the file (a CLI next to a server) serialise. Leases run on the injectable
 * clock, so simulations and tests control expiry.
 */
export class SqliteStateStore implements StateStore {
  readonly backend = "sqlite";
  readonly filename: string;
  private readonly db: Database.Database;
  private readonly now: Clock;

  constructor(filename: string, options: { now?: Clock } = {}) {
    this.filename = filename === ":memory:" ? filename : resolve(filename);
    this.now = options.now ?? systemClock;
    try {
      if (filename !== ":memory:") mkdirSync(dirname(this.filename), { recursive: true });
      this.db = new Database(this.filename, { timeout: 5000 });
      this.db.pragma("journal_mode = WAL");
      this.db.exec(SCHEMA);
    } catch (cause) {
      throw new PalateError(`cannot open state store '${this.filename}': ${(cause as Error).message}`, {
        cause,
      });
    }
  }

  async revision(): Promise<number> {
    return (this.db.prepare("SELECT revision FROM meta WHERE id = 1").get() as { revision: number }).revision;
  }

  async putVersion(record: ModelVersionRecord): Promise<void> {
    this.db
      .transaction(() => {
        const exists = this.db.prepare("SELECT 1 FROM versions WHERE version = ?").get(record.version);
        if (exists) throw new PalateError(`version ${record.version} is already registered`);
        this.db
          .prepare("INSERT INTO versions (version, record) VALUES (?, ?)")
          .run(record.version, JSON.stringify(record));
        this.bump();
      })
      .immediate();
  }

  async getVersion(version: string): Promise<ModelVersionRecord | null> {
    const row = this.db.prepare("SELECT record FROM versions WHERE version = ?").get(version) as
      | { record: string }
      | undefined;
    return row ? (JSON.parse(row.record) as ModelVersionRecord) : null;
  }

  async listVersions(): Promise<ModelVersionRecord[]> {
    const rows = this.db.prepare("SELECT record FROM versions ORDER BY seq").all() as { record: string }[];
    return rows.map((r) => JSON.parse(r.record) as ModelVersionRecord);
  }

  async commit(change: RegistryChange): Promise<boolean> {
    return this.db
      .transaction(() => {
        const current = (
          this.db.prepare("SELECT revision FROM meta WHERE id = 1").get() as { revision: number }
        ).revision;
        if (change.expectRevision !== undefined && change.expectRevision !== current) return false;
        for (const { version, to } of change.stages) {
          const row = this.db.prepare("SELECT record FROM versions WHERE version = ?").get(version) as
            | { record: string }
            | undefined;
          if (!row) throw new PalateError(`commit: version ${version} is not registered`);
          const record = { ...(JSON.parse(row.record) as ModelVersionRecord), stage: to };
          this.db
            .prepare("UPDATE versions SET record = ? WHERE version = ?")
            .run(JSON.stringify(record), version);
        }
        if (change.experiment !== undefined) {
          this.db
            .prepare("UPDATE meta SET experiment = ? WHERE id = 1")
            .run(change.experiment === null ? null : JSON.stringify(change.experiment));
        }
        const insert = this.db.prepare("INSERT INTO transitions (body) VALUES (?)");
        for (const t of change.transitions) insert.run(JSON.stringify(t));
        this.bump();
        return true;
      })
      .immediate();
  }

  async getExperiment(): Promise<ExperimentState | null> {
    const row = this.db.prepare("SELECT experiment FROM meta WHERE id = 1").get() as {
      experiment: string | null;
    };
    return row.experiment ? (JSON.parse(row.experiment) as ExperimentState) : null;
  }

  async history(limit?: number): Promise<Transition[]> {
    const rows = (
      limit === undefined
        ? this.db.prepare("SELECT body FROM transitions ORDER BY seq").all()
        : this.db
            .prepare(
              "SELECT body FROM (SELECT seq, body FROM transitions ORDER BY seq DESC LIMIT ?) ORDER BY seq",
            )
            .all(limit)
    ) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as Transition);
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    return this.db
      .transaction(() => {
        const row = this.db.prepare("SELECT owner, expires_at FROM leases WHERE name = ?").get(name) as
          | { owner: string; expires_at: number }
          | undefined;
        if (row && row.owner !== owner && row.expires_at > now) return false;
        this.db
          .prepare(
            "INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at",
          )
          .run(name, owner, now + ttlMs);
        return true;
      })
      .immediate();
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    this.db.prepare("DELETE FROM leases WHERE name = ? AND owner = ?").run(name, owner);
  }

  async getCheckpoint(name: string): Promise<Checkpoint | null> {
    const row = this.db.prepare("SELECT cursor, state FROM checkpoints WHERE name = ?").get(name) as
      | { cursor: string; state: string }
      | undefined;
    return row ? { cursor: row.cursor, state: JSON.parse(row.state) } : null;
  }

  async putCheckpoint(name: string, owner: string, checkpoint: Checkpoint): Promise<boolean> {
    const now = this.now();
    return this.db
      .transaction(() => {
        const lease = this.db.prepare("SELECT owner, expires_at FROM leases WHERE name = ?").get(name) as
          | { owner: string; expires_at: number }
          | undefined;
        if (!lease || lease.owner !== owner || lease.expires_at <= now) return false;
        this.db
          .prepare(
            "INSERT INTO checkpoints (name, cursor, state) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET cursor = excluded.cursor, state = excluded.state",
          )
          .run(name, checkpoint.cursor, JSON.stringify(checkpoint.state ?? null));
        return true;
      })
      .immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private bump(): void {
    this.db.prepare("UPDATE meta SET revision = revision + 1 WHERE id = 1").run();
  }
}
