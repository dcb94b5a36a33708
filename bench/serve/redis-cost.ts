/**
 * Redis's share of a request: Redis runs on the same two cores as the server and the load
 * generator, so its CPU per request lowers the saturated throughput as the server's own does.
 * Read from INFO (`used_cpu_*`, `commandstats`) before and after a phase.
 */
import { withClient } from "./push-vectors.js";

/** Redis's counters at one moment. */
export interface RedisCounters {
  /** `used_cpu_sys + used_cpu_user` (every Redis thread). */
  cpuSeconds: number;
  /** Per command: calls and microseconds (`cmdstat_NAME:calls=…,usec=…`). */
  commands: Record<string, { calls: number; usec: number }>;
}

/** What a phase cost Redis, per request the server answered in it. */
export interface RedisCost {
  cpuMicrosPerRequest: number;
  /**
   * The busiest commands by time per request. A script's own entry (`evalsha`) includes the time
   * of the commands it calls, which are counted again under their own names.
   */
  commands: { command: string; callsPerRequest: number; microsPerRequest: number }[];
}

export function parseRedisCounters(cpuInfo: string, commandInfo: string): RedisCounters {
  const field = (name: string) => {
    const match = new RegExp(`^${name}:([\\d.]+)`, "m").exec(cpuInfo);
    if (!match) throw new Error(`INFO cpu has no ${name} line`);
    return Number(match[1]);
  };
  const commands: RedisCounters["commands"] = {};
  for (const match of commandInfo.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    commands[match[1]] = { calls: Number(match[2]), usec: Number(match[3]) };
  }
  return { cpuSeconds: field("used_cpu_sys") + field("used_cpu_user"), commands };
}

export function readRedisCounters(url: string): Promise<RedisCounters> {
  return withClient(url, async (client) =>
    parseRedisCounters(await client.info("cpu"), await client.info("commandstats")),
  );
}

/** The cost between two readings, per request; the `top` busiest commands. */
export function redisCostBetween(
  before: RedisCounters,
  after: RedisCounters,
  requests: number,
  top = 5,
): RedisCost {
  const per = Math.max(1, requests);
  const commands = Object.entries(after.commands)
    .map(([command, { calls, usec }]) => {
      const earlier = before.commands[command] ?? { calls: 0, usec: 0 };
      return {
        command,
        callsPerRequest: (calls - earlier.calls) / per,
        microsPerRequest: (usec - earlier.usec) / per,
      };
    })
    .filter((c) => c.callsPerRequest > 0)
    .sort((a, b) => b.microsPerRequest - a.microsPerRequest)
    .slice(0, top);
  return { cpuMicrosPerRequest: ((after.cpuSeconds - before.cpuSeconds) * 1e6) / per, commands };
}
