import { Redis } from "ioredis";
import { PalateError } from "../../core/errors.js";
import { redactStoreUrl } from "../open-store-url.js";
import {
  type Checkpoint,
  checkLease,
  type ExperimentState,
  type ModelVersionRecord,
  type RegistryChange,
  type Stage,
  type StateStore,
  type Transition,
} from "./state-store.js";

/** Options of the Redis state store. */
export interface RedisStateStoreOptions {
  /**
   * Prefix of every key and of the change channel (default `palate:state`): keys are
   * `PREFIX:revision`, `PREFIX:versions`, … On Redis Cluster use a hash tag (`{palate:state}`)
   * so that the keys one script touches share a slot.
   */
  keyPrefix?: string;
  /** A command without a reply within this time fails (default 2,000 ms), so a hung Redis looks down. */
  commandTimeoutMs?: number;
  /** How long `open` waits for the first connection (default 2,000 ms). */
  connectTimeoutMs?: number;
  /** Upper bound of the background reconnect backoff (default 2,000 ms). */
  reconnectMaxMs?: number;
}

// Key layout (P = keyPrefix):
//   P:revision          counter every write increments
//   P:versions          hash version → record JSON as registered, never rewritten (decoding
//                       and re-encoding it in Lua would be at the mercy of cjson's number format)
//   P:stages            hash version → current stage
//   P:order             list of versions in registration order
//   P:experiment        the experiment JSON (absent = none)
//   P:transitions       list of transition JSON, oldest first
//   P:lease:NAME        the holder's id, expiring on Redis's clock (PX)
//   P:checkpoint:NAME   checkpoint JSON
//   channel P:changes   the new revision, published by every write

// KEYS: revision, versions, stages, experiment, transitions, order. ARGV: expected revision
// ("" = any), stage changes JSON [[version, stage]…], experiment JSON ("" = leave, "null" =
// clear), transitions JSON (an array of JSON strings, stored as given), channel, and a version to
// register ("" = none) with its record JSON and stage.
// One script, so the revision check and every write are one atomic step: of two controllers
// committing at the same revision, exactly one succeeds. Every check comes before the first write,
// since a Lua error does not undo the writes before it.
const COMMIT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= current then return 0 end
local added = ARGV[6]
if added ~= '' and redis.call('HEXISTS', KEYS[2], added) == 1 then
  return redis.error_reply('version ' .. added .. ' is already registered')
end
local stages = cjson.decode(ARGV[2])
for _, change in ipairs(stages) do
  if change[1] ~= added and redis.call('HEXISTS', KEYS[2], change[1]) == 0 then
    return redis.error_reply('commit: version ' .. change[1] .. ' is not registered')
  end
end
if added ~= '' then
  redis.call('HSET', KEYS[2], added, ARGV[7])
  redis.call('HSET', KEYS[3], added, ARGV[8])
  redis.call('RPUSH', KEYS[6], added)
end
for _, change in ipairs(stages) do redis.call('HSET', KEYS[3], change[1], change[2]) end
if ARGV[3] == 'null' then redis.call('DEL', KEYS[4]) elseif ARGV[3] ~= '' then redis.call('SET', KEYS[4], ARGV[3]) end
for _, t in ipairs(cjson.decode(ARGV[4])) do redis.call('RPUSH', KEYS[5], t) end
local revision = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[5], revision)
return revision
`;

// KEYS: versions, stages, order, revision. ARGV: version, record JSON, stage, channel.
const PUT_VERSION = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('RPUSH', KEYS[3], ARGV[1])
local revision = redis.call('INCR', KEYS[4])
redis.call('PUBLISH', ARGV[4], revision)
return revision
`;

// KEYS: lease. ARGV: owner, ttl ms. Takes a free (or lapsed) lease, or renews one's own.
const ACQUIRE = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

// KEYS: lease, checkpoint. ARGV: owner, checkpoint JSON. A lapsed lease reads as nil: refused.
const PUT_CHECKPOINT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1
`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * The shared state store: registry, experiment, leases and checkpoints in Redis, every write one
 * Lua script (atomic, revision-checked, publishing the new revision on `PREFIX:changes`). Leases
 * expire on Redis's clock (PX), so a dead controller's lease lapses with nobody's help. It fails
 * fast while Redis is down (no offline queue, a command timeout) and reconnects in the background.
 */
export class RedisStateStore implements StateStore {
  readonly backend = "redis";
  /** The pub/sub channel every write publishes its new revision on. */
  readonly changesChannel: string;
  /** The prefix of every key; another store opened with it shares this one's state. */
  readonly keyPrefix: string;
  private readonly client: Redis;
  private readonly display: string;

  private constructor(client: Redis, keyPrefix: string, display: string) {
    this.client = client;
    this.keyPrefix = keyPrefix;
    this.display = display;
    this.changesChannel = `${keyPrefix}:changes`;
  }

  /** Connects to `url` (`redis://…`, `rediss://…`); rejects at once when Redis is unreachable. */
  static async open(url: string, options: RedisStateStoreOptions = {}): Promise<RedisStateStore> {
    const display = redactStoreUrl(url);
    const reconnectMaxMs = options.reconnectMaxMs ?? 2000;
    const client = new Redis(url, {
      enableOfflineQueue: false,
      // A commit retried after a reconnect could be applied twice and then read as stale.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      connectTimeout: options.connectTimeoutMs ?? 2000,
      lazyConnect: true,
      retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), reconnectMaxMs),
    });
    // Without a listener every failed reconnect would be an unhandled 'error' event.
    client.on("error", () => {});
    try {
      await client.connect();
    } catch (cause) {
      client.disconnect();
      throw new PalateError(`state store '${display}' is unreachable: ${(cause as Error).message}`, {
        cause,
      });
    }
    return new RedisStateStore(client, options.keyPrefix ?? "palate:state", display);
  }

  async revision(): Promise<number> {
    return Number((await this.run(() => this.client.get(this.key("revision")))) ?? 0);
  }

  async putVersion(record: ModelVersionRecord): Promise<void> {
    const keys = ["versions", "stages", "order", "revision"].map((k) => this.key(k));
    const args = [record.version, JSON.stringify(record), record.stage, this.changesChannel];
    const added = await this.run(() => this.client.eval(PUT_VERSION, keys.length, ...keys, ...args));
    if (Number(added) === 0) throw new PalateError(`version ${record.version} is already registered`);
  }

  async getVersion(version: string): Promise<ModelVersionRecord | null> {
    const [json, stage] = await this.exec(
      this.client.multi().hget(this.key("versions"), version).hget(this.key("stages"), version),
    );
    return json ? withStage(json as string, stage as string | null) : null;
  }

  async listVersions(): Promise<ModelVersionRecord[]> {
    const [order, records, stages] = (await this.exec(
      this.client
        .multi()
        .lrange(this.key("order"), 0, -1)
        .hgetall(this.key("versions"))
        .hgetall(this.key("stages")),
    )) as [string[], Record<string, string>, Record<string, string>];
    return order.filter((v) => records[v]).map((v) => withStage(records[v], stages[v] ?? null));
  }

  async commit(change: RegistryChange): Promise<boolean> {
    const keys = ["revision", "versions", "stages", "experiment", "transitions", "order"].map((k) =>
      this.key(k),
    );
    const added = change.register;
    const args = [
      change.expectRevision === undefined ? "" : String(change.expectRevision),
      JSON.stringify(change.stages.map((s) => [s.version, s.to])),
      change.experiment === undefined ? "" : JSON.stringify(change.experiment),
      JSON.stringify(change.transitions.map((t) => JSON.stringify(t))),
      this.changesChannel,
      added?.version ?? "",
      added ? JSON.stringify(added) : "",
      added?.stage ?? "",
    ];
    return Number(await this.run(() => this.client.eval(COMMIT, keys.length, ...keys, ...args))) > 0;
  }

  async getExperiment(): Promise<ExperimentState | null> {
    const json = await this.run(() => this.client.get(this.key("experiment")));
    return json ? (JSON.parse(json) as ExperimentState) : null;
  }

  async history(limit?: number): Promise<Transition[]> {
    // LRANGE -0 would mean "from the start": a zero limit must give nothing.
    if (limit !== undefined && limit <= 0) return [];
    const from = limit === undefined ? 0 : -Math.floor(limit);
    const rows = await this.run(() => this.client.lrange(this.key("transitions"), from, -1));
    return rows.map((r) => JSON.parse(r) as Transition);
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    checkLease(name, owner, ttlMs);
    const ttl = String(Math.ceil(ttlMs));
    return (
      Number(await this.run(() => this.client.eval(ACQUIRE, 1, this.key(`lease:${name}`), owner, ttl))) === 1
    );
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.run(() => this.client.eval(RELEASE, 1, this.key(`lease:${name}`), owner));
  }

  async getCheckpoint(name: string): Promise<Checkpoint | null> {
    const json = await this.run(() => this.client.get(this.key(`checkpoint:${name}`)));
    return json ? (JSON.parse(json) as Checkpoint) : null;
  }

  async putCheckpoint(name: string, owner: string, checkpoint: Checkpoint): Promise<boolean> {
    const keys = [this.key(`lease:${name}`), this.key(`checkpoint:${name}`)];
    const json = JSON.stringify({ cursor: checkpoint.cursor, state: checkpoint.state ?? null });
    return Number(await this.run(() => this.client.eval(PUT_CHECKPOINT, 2, ...keys, owner, json))) === 1;
  }

  async close(): Promise<void> {
    // QUIT lets replies in flight arrive; with Redis down it fails at once, so just drop the socket.
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private key(name: string): string {
    return `${this.keyPrefix}:${name}`;
  }

  /** Runs one command, naming the store (without credentials) when it fails. */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (cause) {
      throw new PalateError(`state store '${this.display}': ${(cause as Error).message}`, { cause });
    }
  }

  /** Runs a MULTI block and unwraps its replies (the first failure is thrown). */
  private async exec(multi: ReturnType<Redis["multi"]>): Promise<unknown[]> {
    const replies = (await this.run(() => multi.exec())) ?? [];
    return replies.map(([error, value]) => {
      if (error) throw new PalateError(`state store '${this.display}': ${error.message}`, { cause: error });
      return value;
    });
  }
}

/** A stored record with its current stage (kept apart so the record is never re-encoded). */
function withStage(json: string, stage: string | null): ModelVersionRecord {
  const record = JSON.parse(json) as ModelVersionRecord;
  return stage === null ? record : { ...record, stage: stage as Stage };
}
