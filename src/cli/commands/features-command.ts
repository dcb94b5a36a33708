import { Command } from "commander";
import { loadModel } from "../../models/model-kinds.js";
import { ListWorkers } from "../../recommend/list-workers.js";
import { DEFAULT_LIST_SIZE } from "../../recommend/precomputed-lists.js";
import { openFeatureStore } from "../../storage/features/open-feature-store.js";
import { pushUserVectors } from "../../storage/features/push-user-vectors.js";
import { redactStoreUrl } from "../../storage/open-store-url.js";
import { usage } from "../data-options.js";
import { intOption } from "../option-parsers.js";
import { StageProgress } from "../progress.js";

interface PushOptions {
  model: string;
  redis: string;
  batch: number;
  ttlDays: number;
  keyPrefix: string;
  lists: number;
}

const STAGE = "push user vectors";
const LIST_STAGE = "build the index for the lists (per thread; PALATE_THREADS)";

/** `palate features …`: feature-store utilities; `push` loads a model's user vectors into Redis. */
export function featuresCommand(): Command {
  const features = new Command("features").description("feature store utilities");
  features
    .command("push")
    .description("compute every training user's query vector of a hybrid model and write them to Redis")
    .requiredOption("--model <dir>", "hybrid model version directory")
    .requiredOption(
      "--redis <url>",
      "Redis URL, e.g. redis://localhost:6379 or rediss://user:pass@host:6380/0",
    )
    .option("--batch <n>", "vectors written per pipelined round trip", intOption(1, 100_000), 1000)
    .option("--ttl-days <n>", "days the vectors live unless pushed again", intOption(1, 3650), 14)
    .option("--key-prefix <prefix>", "prefix of every key (the servers must use the same)", "palate:")
    .option(
      "--lists <n>",
      "candidates precomputed per user and stored beside the vector (0: none; plain requests then search the index)",
      intOption(0, 1000),
      DEFAULT_LIST_SIZE,
    )
    .action(async (options: PushOptions) => {
      if (!/^rediss?:\/\//i.test(options.redis)) {
        throw usage("--redis", `expected redis://… or rediss://…, got '${redactStoreUrl(options.redis)}'`);
      }
      const loaded = await loadModel(options.model);
      const store = await openFeatureStore(options.redis, {
        redis: {
          keyPrefix: options.keyPrefix,
          vectorTtlSeconds: options.ttlDays * 24 * 60 * 60,
          // A batch job, not the request path: a big pipeline may take longer than a read budget.
          commandTimeoutMs: 30_000,
          connectTimeoutMs: 5_000,
        },
      });
      const progress = new StageProgress();
      const started = performance.now();
      let workers: ListWorkers | null = null;
      try {
        // Lists rank with the serving model's own index, built in each worker as `palate serve`
        // builds it (a non-hybrid model is refused by the push itself, with its own message).
        if (options.lists > 0 && loaded.model.kind === "hybrid") {
          progress.update(LIST_STAGE, 0, 1);
          workers = await ListWorkers.start(options.model, options.lists);
          progress.finish(LIST_STAGE, (performance.now() - started) / 1000);
        }
        const summary = await pushUserVectors(loaded, store, {
          batchSize: options.batch,
          onProgress: (done, total) => progress.update(STAGE, done, total),
          lists: workers ?? undefined,
        });
        const seconds = (performance.now() - started) / 1000;
        progress.finish(STAGE, seconds);
        console.log(
          `pushed ${summary.users} user vectors (${summary.dims} floats each${summary.lists ? `, ${options.lists} candidates each` : ""}) of model ${summary.modelVersion} ` +
            `to ${redactStoreUrl(options.redis)} in ${seconds.toFixed(1)} s`,
        );
      } finally {
        await workers?.close();
        await store.close();
      }
    });
  return features;
}
