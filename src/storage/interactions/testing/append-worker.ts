// Run as a separate process by sqlite-concurrent-appends.test.ts:
//   node --import tsx append-worker.ts URL WRITER BATCHES BATCH_SIZE
// Appends BATCHES batches whose rows carry the writer's name, the batch number and their position,
// so the parent can check that no batch was split or reordered by the other writer. It prints
// "ready" once the store is open and waits for a line on stdin, so that both writers start together
// instead of one finishing while the other is still loading.
import { once } from "node:events";
import { openInteractionStore } from "../open-interaction-store.js";

const [url, writer, batchesArg, sizeArg] = process.argv.slice(2);
const batches = Number(batchesArg);
const size = Number(sizeArg);

const store = await openInteractionStore(url);
try {
  process.stdout.write("ready\n");
  await once(process.stdin, "data");
  process.stdin.destroy();
  for (let b = 0; b < batches; b++) {
    await store.append(
      Array.from({ length: size }, (_, i) => ({
        userId: writer,
        itemId: `${writer}-${b}-${i}`,
        type: "click",
        value: b * size + i,
        timestamp: b,
      })),
    );
  }
} finally {
  await store.close();
}
