import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCityWorld } from "../../data/city/manifest.js";
import { ServeConfigSchema } from "../../server/serve-config.js";
import { createServing } from "../../server/server.js";
import { trainedCityModel } from "../../server/testing/serving-fixture.js";
import { openStateStore } from "../../storage/state/open-state-store.js";
import { ModelRegistry } from "../registry.js";

/** When the experiment tests' simulated time starts: a Monday's lunch, after the city's history. */
export const EXPERIMENT_START = Date.parse("2026-03-02T11:00:00Z");

/**
 * An empty registry on the tiny fixture city for the end-to-end experiment tests: a temporary
 * directory with a SQLite state store, a fake clock the test advances (`time.now`), and
 * deterministic experiment ids (they salt the sticky assignment, so seeded runs reproduce).
 * Clean-up steps are pushed onto `cleanup`, to run in reverse.
 */
export async function testRegistry(name: string, cleanup: (() => Promise<void>)[]) {
  const { dir, modelDir } = await trainedCityModel();
  const world = await loadCityWorld(join(dir, "city"));
  const registryDir = await mkdtemp(join(tmpdir(), `palate-${name}-`));
  cleanup.push(() => rm(registryDir, { recursive: true, force: true }));
  const time = { now: EXPERIMENT_START };
  const clock = () => time.now;
  const store = await openStateStore(`sqlite:${join(registryDir, "state.db")}`);
  cleanup.push(() => store.close());
  let experiments = 0;
  const registry = new ModelRegistry(store, {
    dir: registryDir,
    clock,
    experimentIds: () => `exp-${name}-${++experiments}`,
  });
  return { cityDir: dir, modelDir, world, registryDir, time, clock, store, registry };
}

/**
 * A server over `registryDir` (its champion and canary), with an SQLite event log and spill file
 * beside the registry, on the test's clock; returns it with the served catalogue (for the
 * controller's guardrails).
 */
export async function testServing(
  registryDir: string,
  clock: () => number,
  cleanup: (() => Promise<void>)[],
) {
  const serving = await createServing(
    { registry: registryDir },
    ServeConfigSchema.parse({
      eventLog: `sqlite:${join(registryDir, "events.db")}`,
      spillPath: join(registryDir, "spill.ndjson"),
    }),
  );
  cleanup.push(() => serving.close());
  serving.context.clock = clock;
  const items = serving.context.service?.model.catalog;
  if (!items) throw new Error("test serving: no model loaded from the registry");
  return { serving, items };
}
