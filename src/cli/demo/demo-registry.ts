import type { Clock } from "../../core/clock.js";
import { ModelRegistry } from "../../experiments/registry.js";
import { registryStateUrl } from "../../server/server.js";
import { openStateStore } from "../../storage/state/open-state-store.js";
import type { DemoModels } from "./demo-models.js";
import { CANARY_PERCENT } from "./demo-settings.js";

/** The versions the demo's experiment compares. */
export interface DemoExperiment {
  champion: string;
  canary: string;
}

/**
 * Fills a new registry (SQLite state store in `registryDir/state.db`): last week's model as the
 * champion, this week's retrain as a 10% canary — what `palate models register --champion` and
 * `palate models canary` would do by hand. The store is closed again: the server opens its own.
 */
export async function createDemoRegistry(
  registryDir: string,
  models: DemoModels,
  clock: Clock,
): Promise<DemoExperiment> {
  const store = await openStateStore(registryStateUrl(registryDir));
  try {
    const registry = new ModelRegistry(store, { dir: registryDir, clock });
    const champion = await registry.register(models.champion, {
      actor: "demo",
      reason: "last week's model: the hybrid trained on the city without its last 7 days",
      champion: true,
    });
    const canary = await registry.register(models.canary, {
      actor: "demo",
      reason: "this week's retrain: the hybrid on the whole history",
    });
    await registry.startCanary(canary.version, CANARY_PERCENT, {
      actor: "demo",
      reason: `does this week's retrain hold up online? ${CANARY_PERCENT}% of users`,
    });
    return { champion: champion.version, canary: canary.version };
  } finally {
    await store.close();
  }
}
