import { SqliteStateStore } from "./sqlite-state-store.js";
import { runStateStoreContract } from "./state-store.contract.js";

let now = 0;
runStateStoreContract(
  "sqlite",
  async () => new SqliteStateStore(":memory:", { now: () => now }),
  async (ms) => {
    now += ms + 1;
  },
);
