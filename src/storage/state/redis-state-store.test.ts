import { after, before } from "node:test";
import { REDIS_SERVER_PATH, redisAvailable, TestRedis } from "../testing/redis-server.js";
import { RedisStateStore } from "./redis-state-store.js";
import { runStateStoreContract } from "./state-store.contract.js";

let redis: TestRedis | null = null;
let n = 0;
before(async () => {
  if (redisAvailable()) redis = await TestRedis.start();
});
after(async () => {
  await redis?.stop();
});

runStateStoreContract(
  "redis",
  async () => RedisStateStore.open((redis as TestRedis).url, { keyPrefix: `t${n++}:` }),
  (ms) => new Promise((r) => setTimeout(r, ms + 50)),
  { skip: redisAvailable() ? false : `no redis-server at ${REDIS_SERVER_PATH}`, leaseMs: 200 },
);
