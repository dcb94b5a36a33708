import type { CsrMatrix } from "../../core/csr.js";
import { ColdItemProjection } from "./cold-item-projection.js";
import type { HybridPart } from "./hybrid-part.js";

/** Parts whose item vectors come from interactions, so a new item needs a prediction. */
const INTERACTION_PARTS = new Set(["als", "ease", "elsa", "cleora", "external"]);

/**
 * Replaces the cf and graph rows of items without training interactions by ridge predictions
 * from their content vectors (fitted on items with ≥ minUsers users). Returns the projections by
 * part name so new items added later get the same treatment; empty without a content part.
 */
export function projectColdItems(
  parts: readonly HybridPart[],
  train: CsrMatrix,
  options: { ridge: number; minUsers: number },
): Map<string, ColdItemProjection> {
  const projections = new Map<string, ColdItemProjection>();
  const content = parts.find((p) => p.name === "content");
  if (!content || content.dims === 0) return projections;
  const users = new Int32Array(train.nCols);
  for (const item of train.indices) users[item]++;
  const warm: number[] = [];
  const cold: number[] = [];
  users.forEach((n, i) => {
    if (n >= options.minUsers) warm.push(i);
    else if (n === 0) cold.push(i);
  });
  if (warm.length === 0) return projections;
  const warmItems = Int32Array.from(warm);
  for (const part of parts) {
    if (!INTERACTION_PARTS.has(part.name)) continue;
    const projection = ColdItemProjection.fit(
      content.items,
      content.dims,
      part.items,
      part.dims,
      warmItems,
      options.ridge,
    );
    projections.set(part.name, projection);
    for (const i of cold) {
      projection.predict(
        content.items.subarray(i * content.dims, (i + 1) * content.dims),
        part.items.subarray(i * part.dims, (i + 1) * part.dims),
      );
    }
  }
  return projections;
}
