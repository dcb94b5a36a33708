import { buildCsr, type CsrMatrix } from "./csr.js";
import type { IdDictionary } from "./id-dictionary.js";
import type { InteractionTable } from "./interaction-table.js";
import type { Item, User } from "./types.js";

/** Counts of what a load read, skipped and by which event type: nothing is dropped unreported. */
export interface LoadReport {
  /** Data rows read (headers excluded), per source file. */
  rowsBySource: Record<string, number>;
  /** Rows skipped under `--skip-invalid`, with the first few reasons. */
  skipped: number;
  skippedExamples: string[];
  /** Interactions per event type. */
  byType: Record<string, number>;
  seconds: number;
}

/**
 * One in-memory dataset: dictionaries, interactions and metadata. Items from an item file that
 * have no interactions still have an index (they are cold items).
 */
export interface Dataset {
  readonly name: string;
  readonly users: IdDictionary;
  readonly items: IdDictionary;
  readonly interactions: InteractionTable;
  /** Item metadata by item index (undefined where the data has none). */
  readonly itemMeta: (Item | undefined)[];
  /** User metadata by user index (undefined where the data has none). */
  readonly userMeta: (User | undefined)[];
  readonly report: LoadReport;
}

/** The user × item matrix of a dataset: duplicates summed, earliest timestamp per entry. */
export function interactionMatrix(data: Dataset): CsrMatrix {
  const t = data.interactions;
  return buildCsr(
    { length: t.length, rows: t.userIndex, cols: t.itemIndex, values: t.weight, timestamps: t.timestamp },
    data.users.size,
    data.items.size,
  );
}

/** An empty load report to fill in. */
export function emptyLoadReport(): LoadReport {
  return { rowsBySource: {}, skipped: 0, skippedExamples: [], byType: {}, seconds: 0 };
}
