import { Command } from "commander";
import { loadModel } from "../../models/model-kinds.js";
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
}

const STAGE = "push user vectors";

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
      try {
        const summary = await pushUserVectors(loaded, store, {
          batchSize: options.batch,
          onProgress: (done, total) => progress.update(STAGE, done, total),
        });
        const seconds = (performance.now() - started) / 1000;
        progress.finish(STAGE, seconds);
        console.log(
          `pushed ${summary.users} user vectors (${summary.dims} floats each) of model ${summary.modelVersion} ` +
            `to ${redactStoreUrl(options.redis)} in ${seconds.toFixed(1)} s`,
        );
      } finally {
        await store.close();
      }
    });
  return features;
}
