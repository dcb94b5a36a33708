import { Redis } from "ioredis";
import { PalateError } from "../../core/errors.js";
import type {
  Checkpoint,
  ExperimentState,
  ModelVersionRecord,
  RegistryChange,
  StateStore,
  Transition,
} from "./state-store.js";

/** Options of the Redis state store. */
export interface RedisStateStoreOptions {
  /** Prefix of every key (default `palate:state:`); tests use a random one. */
  keyPrefix?: string;
  /** Per-command timeout (default 2,000 ms: registry writes are rare, reads are polled). */
  commandTimeoutMs?: number;
}

// KEYS: revision, versions hash, experiment, transitions list. ARGV: expected revision ("" = any),
// stage changes JSON, experiment JSON ("" = leave, "null" = clear), transitions JSON.
// One script so the check and every write are atomic: two controllers can never both commit.
const COMMIT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= current then return 0 end
local stages = cjson.decode(ARGV[2])
for _, change in ipairs(stages) do
  if redis.call('HEXISTS', KEYS[2], change[1]) == 0 then return redis.error_reply('unknown version ' .. change[1]) end
end
for _, change in ipairs(stages) do
  local record = cjson.decode(redis.call('HGET', KEYS[2], change[1]))
  record['stage'] = change[2]
  redis.call('HSET', KEYS[2], change[1], cjson.encode(record))
end
if ARGV[3] == 'null' then redis.call('DEL', KEYS[3]) elseif ARGV[3] ~= '' then redis.call('SET', KEYS[3], ARGV[3]) end
for _, t in ipairs(cjson.decode(ARGV[4])) do redis.call('RPUSH', KEYS[4], t) end
return redis.call('INCR', KEYS[1])
`;

// KEYS: versions hash, order list, revision. ARGV: version, record JSON.
const PUT_VERSION = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
return redis.call('INCR', KEYS[3])
`;

// KEYS: lease. ARGV: owner, ttl ms. Take a free lease or renew one's own.
const ACQUIRE = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

// KEYS: lease, checkpoint. ARGV: owner, checkpoint JSON.
const PUT_CHECKPOINT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1
`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * The shared state store: registry, experiment and controller lease in Redis, every write one
 * Lua script (atomic, revision-checked). Leases use Redis's own expiry (PX), so a dead
 * controller's lease lapses on the server's clock. Fails fast when Redis is down.
 */
export class RedisStateStore implements StateStore {
  readonly backend = "redis";
  private readonly client: Redis;
  private readonly prefix: string;

  private constructor(client: Redis, prefix: string) {
    this.client = client;
    this.prefix = prefix;
  }

  static async open(url: string, options: RedisStateStoreOptions = {}): Promise<RedisStateStore> {
    const client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      connectTimeout: 2000,
      lazyConnect: true,
      retryStrategy: (attempt) => Math.min(1000, 50 * 2 ** attempt),
    });
    client.on("error", () => {});
    try {
      await client.connect();
    } catch (cause) {
      client.disconnect();
      throw new PalateError(`state store: cannot reach Redis (${(cause as Error).message})`, { cause });
    }
    return new RedisStateStore(client, options.keyPrefix ?? "palate:state:");
  }

  private key(name: string): string {
    return this.prefix + name;
  }

  async revision(): Promise<number> {
    return Number((await this.client.get(this.key("revision"))) ?? 0);
  }

  async putVersion(record: ModelVersionRecord): Promise<void> {
    const keys = [this.key("versions"), this.key("order"), this.key("revision")];
    const added = await this.client.eval(PUT_VERSION, 3, ...keys, record.version, JSON.stringify(record));
    if (Number(added) === 0) throw new PalateError(`version ${record.version} is already registered`);
  }

  async getVersion(version: string): Promise<ModelVersionRecord | null> {
    const json = await this.client.hget(this.key("versions"), version);
    return json ? (JSON.parse(json) as ModelVersionRecord) : null;
  }

  async listVersions(): Promise<ModelVersionRecord[]> {
    const [order, all] = await Promise.all([
      this.client.lrange(this.key("order"), 0, -1),
      this.client.hgetall(this.key("versions")),
    ]);
    return order.filter((v) => all[v]).map((v) => JSON.parse(all[v]) as ModelVersionRecord);
  }

  async commit(change: RegistryChange): Promise<boolean> {
    const keys = [
      this.key("revision"),
      this.key("versions"),
      this.key("experiment"),
      this.key("transitions"),
    ];
    const experiment = change.experiment === undefined ? "" : JSON.stringify(change.experiment);
    try {
      const result = await this.client.eval(
        COMMIT,
        4,
        ...keys,
        change.expectRevision === undefined ? "" : String(change.expectRevision),
        JSON.stringify(change.stages.map((s) => [s.version, s.to])),
        experiment,
        JSON.stringify(change.transitions.map((t) => JSON.stringify(t))),
      );
      if (Number(result) === 0) return false;
    } catch (error) {
      throw new PalateError(`state store commit failed: ${(error as Error).message}`, { cause: error });
    }
    await this.client.publish(this.key("changes"), String(await this.revision())).catch(() => {});
    return true;
  }

  async getExperiment(): Promise<ExperimentState | null> {
    const json = await this.client.get(this.key("experiment"));
    return json ? (JSON.parse(json) as ExperimentState) : null;
  }

  async history(limit?: number): Promise<Transition[]> {
    const rows = await this.client.lrange(this.key("transitions"), limit === undefined ? 0 : -limit, -1);
    return rows.map((r) => JSON.parse(r) as Transition);
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return (
      Number(
        await this.client.eval(ACQUIRE, 1, this.key(`lease:${name}`), owner, String(Math.ceil(ttlMs))),
      ) === 1
    );
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.client.eval(RELEASE, 1, this.key(`lease:${name}`), owner);
  }

  async getCheckpoint(name: string): Promise<Checkpoint | null> {
    const json = await this.client.get(this.key(`checkpoint:${name}`));
    return json ? (JSON.parse(json) as Checkpoint) : null;
  }

  async putCheckpoint(name: string, owner: string, checkpoint: Checkpoint): Promise<boolean> {
    const keys = [this.key(`lease:${name}`), this.key(`checkpoint:${name}`)];
    return (
      Number(await this.client.eval(PUT_CHECKPOINT, 2, ...keys, owner, JSON.stringify(checkpoint))) === 1
    );
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
