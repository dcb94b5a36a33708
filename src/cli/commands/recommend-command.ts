import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { Command } from "commander";
import { loadModel } from "../../models/model-kinds.js";
import { intOption } from "../option-parsers.js";
import { readUserIds } from "../user-list.js";

interface RecommendOptions {
  model: string;
  users: string;
  k: number;
  out: string;
  includeSeen: boolean;
  batchSize: number;
}

/** `palate recommend`: write the top k items for each listed user as `user_id,item_id,score`. */
export function recommendCommand(): Command {
  return new Command("recommend")
    .description("write top-k recommendations for a list of users as CSV (user_id,item_id,score)")
    .requiredOption("--model <dir>", "model version directory")
    .requiredOption(
      "--users <file>",
      "CSV or NDJSON with a user_id column/field (duplicates are listed once)",
    )
    .option("--k <k>", "items per user", intOption(1, 1000), 10)
    .requiredOption("--out <file>", "output CSV")
    .option("--include-seen", "keep items the user interacted with in training", false)
    .option("--batch-size <n>", "users scored per batch", intOption(1, 1_000_000), 4096)
    .action(async (options: RecommendOptions) => {
      const { model, users, items, train } = await loadModel(options.model);
      const userIds = await readUserIds(options.users);
      const out = createWriteStream(options.out);
      out.write("user_id,item_id,score\n");
      let unknown = 0;
      for (let start = 0; start < userIds.length; start += options.batchSize) {
        const batch = userIds.slice(start, start + options.batchSize);
        // Users unknown to the model get index -1: no history to exclude, non-personal scores.
        const indices = Int32Array.from(batch, (id) => users.indexOf(id));
        for (const index of indices) if (index < 0) unknown++;
        const recs = model.recommend(indices, {
          k: options.k,
          exclude: options.includeSeen ? undefined : train,
        });
        let chunk = "";
        for (let b = 0; b < batch.length; b++) {
          for (let s = 0; s < recs.k; s++) {
            const item = recs.items[b * recs.k + s];
            if (item < 0) break;
            chunk += `${csvField(batch[b])},${csvField(items.idAt(item))},${recs.scores[b * recs.k + s]}\n`;
          }
        }
        if (!out.write(chunk)) await once(out, "drain");
      }
      out.end();
      await once(out, "finish");
      console.log(
        `wrote top-${options.k} for ${userIds.length} users to ${options.out}` +
          (unknown > 0 ? ` (${unknown} unknown to the model got non-personal lists)` : ""),
      );
    });
}

/** Quotes a CSV field when it contains a comma, quote or newline. */
function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
