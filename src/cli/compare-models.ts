import type { CsrMatrix } from "../core/csr.js";
import { type Dataset, interactionMatrix } from "../core/dataset.js";
import { coldItemSplit } from "../evaluation/cold-item-split.js";
import { coldUserSplit } from "../evaluation/cold-user-split.js";
import { evaluate } from "../evaluation/evaluate.js";
import type { Split } from "../evaluation/splits.js";
import { stratifiedSplit } from "../evaluation/stratified-split.js";
import type { HybridOptions } from "../models/hybrid/hybrid-options.js";
import { createModel, type ModelKind } from "../models/model-kinds.js";
import { trainingDataOf } from "../models/training-data.js";

/** The protocols of the model issue: warm, cold users with n = 1, 3, 5, cold items. */
export const COMPARE_PROTOCOLS = ["warm", "cold-user-1", "cold-user-3", "cold-user-5", "cold-item"] as const;
export type CompareProtocol = (typeof COMPARE_PROTOCOLS)[number];

/** One cell of a comparison: a model under a protocol. */
export interface ComparisonRow {
  protocol: CompareProtocol;
  model: string;
  ndcg10: number;
  p10: number;
  users: number;
  fitSeconds: number;
}

/** The split of a protocol: 75/25 by item (seed 42), 20% cold users on top of it, or 10% cold items. */
export function protocolSplit(protocol: CompareProtocol, matrix: CsrMatrix): Split {
  const base = stratifiedSplit(matrix, { by: "item", ratio: 0.75, seed: 42 });
  if (protocol === "warm") return base;
  if (protocol === "cold-item") return coldItemSplit(matrix, { fraction: 0.1, seed: 42 });
  return coldUserSplit(matrix, {
    fraction: 0.2,
    n: Number(protocol.slice("cold-user-".length)),
    seed: 42,
    base,
  });
}

/**
 * Trains and evaluates every model under every protocol (k = 10), calling `onRow` as each cell
 * is done so long comparisons show progress.
 */
export async function compareModels(
  dataset: Dataset,
  kinds: readonly ModelKind[],
  protocols: readonly CompareProtocol[],
  onRow?: (row: ComparisonRow) => void,
  options: HybridOptions = {},
): Promise<ComparisonRow[]> {
  const matrix = interactionMatrix(dataset);
  const itemCategories = dataset.itemMeta.map((item) => item?.categories);
  const rows: ComparisonRow[] = [];
  for (const protocol of protocols) {
    const split = protocolSplit(protocol, matrix);
    for (const kind of kinds) {
      const started = performance.now();
      const model = createModel(kind, options);
      await model.fit(trainingDataOf(dataset, split.train));
      const fitSeconds = (performance.now() - started) / 1000;
      const report = evaluate(model, split, { k: 10, itemCategories });
      const row = {
        protocol,
        model: kind,
        ndcg10: report.ndcg,
        p10: report.precision,
        users: report.usersEvaluated,
        fitSeconds,
      };
      rows.push(row);
      onRow?.(row);
    }
  }
  return rows;
}

/** Models side by side: one row per protocol, nDCG@10 (P@10) per model. */
export function comparisonTable(datasetName: string, rows: readonly ComparisonRow[]): string {
  const models = [...new Set(rows.map((r) => r.model))];
  const protocols = [...new Set(rows.map((r) => r.protocol))];
  const cell = (p: string, m: string) => {
    const row = rows.find((r) => r.protocol === p && r.model === m);
    return row ? `${row.ndcg10.toFixed(3)} (${row.p10.toFixed(3)})` : "-";
  };
  const header = ["protocol", ...models];
  const body = protocols.map((p) => [p, ...models.map((m) => cell(p, m))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  return [`${datasetName}: nDCG@10 (P@10), k = 10`, line(header), ...body.map(line)].join("\n");
}
