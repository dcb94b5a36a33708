/**
 * Steady recommendation traffic against an app while a fault happens, counting every answer by
 * status and by the model version that answered: a fault test asserts on what clients saw.
 */
import type { FastifyInstance } from "fastify";

/** What the clients saw. */
export interface LoadTally {
  requests: number;
  statuses: Map<number, number>;
  versions: Map<string, number>;
  /** Responses with status ≥ 500. */
  serverErrors: number;
}

/** Runs `workers` request loops over `users` until `stop()`; resolves with the tally. */
export function startLoad(app: FastifyInstance, users: readonly string[], workers = 3) {
  const tally: LoadTally = { requests: 0, statuses: new Map(), versions: new Map(), serverErrors: 0 };
  let stopped = false;
  const worker = async (w: number) => {
    for (let n = w; !stopped; n += workers) {
      const response = await app.inject({
        url: `/v1/recommendations?user_id=${users[n % users.length]}&k=5`,
      });
      tally.requests++;
      tally.statuses.set(response.statusCode, (tally.statuses.get(response.statusCode) ?? 0) + 1);
      if (response.statusCode >= 500) tally.serverErrors++;
      else if (response.statusCode === 200) {
        const version = response.json().model_version as string;
        tally.versions.set(version, (tally.versions.get(version) ?? 0) + 1);
      }
      // Let reloads and polls interleave with the requests.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const running = Array.from({ length: workers }, (_, w) => worker(w));
  return {
    tally,
    async stop(): Promise<LoadTally> {
      stopped = true;
      await Promise.all(running);
      return tally;
    },
  };
}

/** A one-line summary of a tally for assertion messages. */
export function describeTally(tally: LoadTally): string {
  return `${tally.requests} requests, statuses ${JSON.stringify([...tally.statuses])}, versions ${JSON.stringify([...tally.versions])}`;
}
