import { join } from "node:path";
import type { Clock } from "../../core/clock.js";
import { loadDataset } from "../../data/load-dataset.js";
import type { ModelRegistry } from "../../experiments/registry.js";
import { RetrainRulesSchema } from "../../experiments/retrain-rules.js";
import { Retrainer } from "../../experiments/retrainer.js";
import { appendDataset } from "../../storage/interactions/append-dataset.js";
import { SqliteInteractionStore } from "../../storage/interactions/sqlite-interaction-store.js";
import { CANARY_PERCENT } from "./demo-settings.js";

/**
 * Freshness-triggered retraining for the demo, so it keeps going after the first decision: the
 * interaction store (`interactions.db` in the demo directory) starts with the city's whole
 * history, the controller copies the simulated events into it, and once the champion's data is
 * stale (5% new interactions, or a simulated day old — the production defaults) the controller
 * retrains the hybrid in a child process, gates it offline against the champion and starts a
 * 10% canary of a candidate that holds up: the next experiment, with no human step. This seeds
 * the store; it is reset with the registry on every run.
 */
export async function seedInteractionStore(dir: string, cityDir: string): Promise<SqliteInteractionStore> {
  const interactions = new SqliteInteractionStore(interactionsPath(dir));
  try {
    const { dataset } = await loadDataset({ kind: "dataset", name: "city", path: cityDir });
    await appendDataset(interactions, dataset);
  } catch (error) {
    await interactions.close();
    throw error;
  }
  return interactions;
}

/** The retrainer over the seeded store, with the production freshness and gate rules. */
export function demoRetrainer(
  dir: string,
  interactions: SqliteInteractionStore,
  registry: ModelRegistry,
  clock: Clock,
): Retrainer {
  return new Retrainer({
    registry,
    interactions,
    interactionsUrl: `sqlite:${interactionsPath(dir)}`,
    rules: RetrainRulesSchema.parse({ enabled: true, canaryPercent: CANARY_PERCENT }),
    clock,
  });
}

function interactionsPath(dir: string): string {
  return join(dir, "interactions.db");
}
