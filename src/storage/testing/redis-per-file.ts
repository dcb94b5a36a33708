import { after, before } from "node:test";
import { REDIS_SERVER_PATH, redisAvailable, TestRedis } from "./redis-server.js";

/**
 * One real redis-server for the tests of a file: started before them, stopped after. `skip` is
 * the reason to pass to `test(…, { skip })` when no server is installed; `server()` is only
 * called from tests that were not skipped.
 */
export function redisForThisFile(): { skip: string | false; server: () => TestRedis } {
  const skip = redisAvailable() ? false : `no redis-server at ${REDIS_SERVER_PATH}`;
  let redis: TestRedis | null = null;
  before(async () => {
    if (!skip) redis = await TestRedis.start();
  });
  after(async () => {
    await redis?.stop();
  });
  return {
    skip,
    server: () => {
      if (!redis) throw new Error("redisForThisFile: no server (the test should have been skipped)");
      return redis;
    },
  };
}
