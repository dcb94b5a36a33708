import { Command } from "commander";
import { HybridModel } from "../../models/hybrid/hybrid-model.js";
import { PART_REASON } from "../../models/hybrid/hybrid-part.js";
import { loadModel } from "../../models/model-kinds.js";
import { hasSimilarItems } from "../../models/recommender.js";
import { usage } from "../data-options.js";
import { intOption } from "../option-parsers.js";

/** `palate similar`: the items most similar to one item, with the part each came from. */
export function similarCommand(): Command {
  return new Command("similar")
    .description("list the items most similar to an item, with the part of the model each came from")
    .requiredOption("--model <dir>", "model version directory")
    .requiredOption("--item <id>", "item id")
    .option("--k <k>", "number of similar items", intOption(1, 1000), 10)
    .option("--json", "print JSON lines", false)
    .action(async (options: { model: string; item: string; k: number; json: boolean }) => {
      const { model, items, manifest } = await loadModel(options.model);
      if (!hasSimilarItems(model)) throw usage("--model", `a ${manifest.kind} model has no item similarity`);
      const index = items.indexOf(options.item);
      if (index < 0) throw usage("--item", `item '${options.item}' is not in the model`);
      const similar = model.similarItems(Int32Array.of(index), options.k);
      for (let s = 0; s < similar.k; s++) {
        const other = similar.items[s];
        if (other < 0) break;
        const part =
          model instanceof HybridModel ? PART_REASON[model.similarityReason(index, other)] : manifest.kind;
        const row = { item_id: items.idAt(other), score: Number(similar.scores[s].toFixed(4)), from: part };
        console.log(options.json ? JSON.stringify(row) : `${row.item_id}\t${row.score}\t${row.from}`);
      }
    });
}
