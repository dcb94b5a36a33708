import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { InputError, PalateError } from "../../core/errors.js";
import { enableWal } from "../sqlite-wal.js";
import type { EventPage, EventSink, LoggedEvent } from "./event-log.js";
import { messageOf, validateLoggedEvents, validateReadLimit } from "./logged-event-codec.js";

/** Options for `SqliteEventSink`. */
export interface SqliteEventSinkOptions {
  /** How long a write waits for another connection's write to finish before failing. */
  busyTimeoutMs?: number;
}

const COLUMNS = [
  "seq",
  "event_id",
  "type",
  "user_id",
  "item_id",
  "timestamp",
  "value",
  "recommendation_id",
  "session_id",
  "received_at",
  "variant",
  "model_version",
  "items",
];
/** Columns added after the first release; an older table gets them on open. */
const ADDED_COLUMNS = ["variant", "model_version", "items"];

// AUTOINCREMENT so a sequence number is never reused: the cursor is a seq, and a reader that has
// seen seq N must never miss a later row that reuses a number below N. The UNIQUE event_id is what
// makes appends idempotent (a replayed batch inserts only the events it has not stored yet).
const CREATE_TABLE = `
  CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    user_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    timestamp REAL NOT NULL,
    value REAL,
    recommendation_id TEXT,
    session_id TEXT,
    received_at REAL NOT NULL,
    variant TEXT,
    model_version TEXT,
    items TEXT
  ) STRICT
`;

type Row = [
  seq: number,
  eventId: string,
  type: string,
  userId: string,
  itemId: string,
  timestamp: number,
  value: number | null,
  recommendationId: string | null,
  sessionId: string | null,
  receivedAt: number,
  variant: string | null,
  modelVersion: string | null,
  /** JSON array of item ids. */
  items: string | null,
];
type InsertParams = [
  eventId: string,
  type: string,
  userId: string,
  itemId: string,
  timestamp: number,
  value: number | null,
  recommendationId: string | null,
  sessionId: string | null,
  receivedAt: number,
  variant: string | null,
  modelVersion: string | null,
  items: string | null,
];

const CURSOR = /^(0|[1-9][0-9]{0,15})$/;

/**
 * The embedded event log: one SQLite table in WAL mode. The cursor is the row's append sequence,
 * so a reader (the ingest) continues where it stopped with one indexed range scan.
 */
export class SqliteEventSink implements EventSink {
  readonly backend = "sqlite";
  /** The absolute file path, or `:memory:`. */
  readonly filename: string;
  private readonly db: Database.Database;
  private readonly appendInTransaction: Database.Transaction<(batch: readonly LoggedEvent[]) => void>;
  private readonly page: Database.Statement<[after: number, limit: number], Row>;
  private readonly countAll: Database.Statement<[], number>;
  private closed = false;

  /** Opens (creating if needed, parent directories included) the log at `filename` or `:memory:`. */
  constructor(filename: string, options: SqliteEventSinkOptions = {}) {
    this.filename = filename === ":memory:" ? filename : resolve(filename);
    try {
      if (filename !== ":memory:") mkdirSync(dirname(this.filename), { recursive: true });
      this.db = new Database(this.filename, { timeout: options.busyTimeoutMs ?? 5000 });
    } catch (cause) {
      throw new PalateError(`cannot open event log '${this.filename}': ${messageOf(cause)}`, { cause });
    }
    try {
      // NORMAL survives a process crash in WAL mode; the queue above keeps anything not yet
      // committed, so an OS crash costs at most the last commits, not an fsync per batch.
      enableWal(this.db, options.busyTimeoutMs ?? 5000);
      this.db.pragma("synchronous = NORMAL");
      this.db.exec(CREATE_TABLE);
      this.checkColumns();
      // DO NOTHING applies to the uniqueness conflict only; INSERT OR IGNORE would also skip rows
      // that break NOT NULL, hiding a bug as a silently missing event.
      const insert = this.db.prepare<InsertParams>(
        `INSERT INTO events (${COLUMNS.slice(1).join(", ")}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (event_id) DO NOTHING`,
      );
      this.page = this.db
        .prepare<[number, number], Row>(
          `SELECT ${COLUMNS.join(", ")} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`,
        )
        .raw(true);
      this.countAll = this.db.prepare<[], number>("SELECT COUNT(*) FROM events").pluck();
      this.appendInTransaction = this.db.transaction((batch: readonly LoggedEvent[]) => {
        for (const e of batch) {
          insert.run(
            e.eventId,
            e.type,
            e.userId,
            e.itemId,
            e.timestamp,
            e.value ?? null,
            e.recommendationId ?? null,
            e.sessionId ?? null,
            e.receivedAt,
            e.variant ?? null,
            e.modelVersion ?? null,
            e.items === undefined ? null : JSON.stringify(e.items),
          );
        }
      });
    } catch (cause) {
      this.db.close();
      if (cause instanceof PalateError) throw cause;
      throw new PalateError(`cannot open event log '${this.filename}': ${messageOf(cause)}`, { cause });
    }
  }

  async append(events: readonly LoggedEvent[]): Promise<void> {
    this.ensureOpen();
    validateLoggedEvents(events, "event batch");
    if (events.length === 0) return;
    try {
      // IMMEDIATE takes the write lock up front, so a concurrent writer waits on the busy timeout
      // instead of failing when it tries to upgrade a read lock.
      this.appendInTransaction.immediate(events);
    } catch (cause) {
      throw new PalateError(
        `appending ${events.length} events to '${this.filename}' failed: ${messageOf(cause)}`,
        { cause },
      );
    }
  }

  async read(cursor: string, limit: number): Promise<EventPage> {
    this.ensureOpen();
    validateReadLimit(limit);
    if (cursor !== "" && !CURSOR.test(cursor)) {
      throw new InputError(
        { source: "SqliteEventSink.read", field: "cursor" },
        `'${cursor.slice(0, 40)}' is not a cursor of this event log`,
      );
    }
    const rows = this.page.all(cursor === "" ? 0 : Number(cursor), limit);
    if (rows.length === 0) return { events: [], cursor };
    return { events: rows.map(toEvent), cursor: String(rows[rows.length - 1][0]) };
  }

  async count(): Promise<number> {
    this.ensureOpen();
    return this.countAll.get() ?? 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private checkColumns(): void {
    let found = (this.db.pragma("table_info(events)") as { name: string }[]).map((c) => c.name);
    const original = COLUMNS.slice(0, COLUMNS.length - ADDED_COLUMNS.length);
    if (found.join(",") === original.join(",")) {
      for (const column of ADDED_COLUMNS) this.db.exec(`ALTER TABLE events ADD COLUMN ${column} TEXT`);
      found = COLUMNS;
    }
    if (found.join(",") !== COLUMNS.join(",")) {
      throw new PalateError(
        `'${this.filename}' has an 'events' table with columns (${found.join(", ")}), ` +
          `expected (${COLUMNS.join(", ")}): it was written by something else`,
      );
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new PalateError(`event log '${this.filename}' is closed`);
  }
}

function toEvent(row: Row): LoggedEvent {
  const [
    ,
    eventId,
    type,
    userId,
    itemId,
    timestamp,
    value,
    recommendationId,
    sessionId,
    receivedAt,
    variant,
    modelVersion,
    items,
  ] = row;
  // Absent optional fields stay absent (not `undefined` properties), so a round trip is deep-equal.
  const event: LoggedEvent = { eventId, type, userId, itemId, timestamp, receivedAt };
  if (value !== null) event.value = value;
  if (recommendationId !== null) event.recommendationId = recommendationId;
  if (sessionId !== null) event.sessionId = sessionId;
  if (variant !== null) event.variant = variant;
  if (modelVersion !== null) event.modelVersion = modelVersion;
  if (items !== null) event.items = JSON.parse(items) as string[];
  return event;
}
