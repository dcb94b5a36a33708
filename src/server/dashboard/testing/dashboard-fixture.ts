import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ServeConfig, ServeConfigSchema } from "../../serve-config.js";
import { createServing, type ServingOptions, type ServingTarget } from "../../server.js";
import { trainedCityModel } from "../../testing/serving-fixture.js";

/**
 * A serving app (not listening) over the tiny city model or a registry, with embedded stores in a
 * fresh directory and the process options the dashboard reads (demo mode, sampling).
 */
export async function dashboardServing(
  overrides: Partial<ServeConfig> = {},
  options: ServingOptions = {},
  target?: ServingTarget,
) {
  const { modelDir } = await trainedCityModel();
  const dir = await mkdtemp(join(tmpdir(), "palate-dashboard-"));
  const config = ServeConfigSchema.parse({
    eventLog: `sqlite:${join(dir, "events.db")}`,
    spillPath: join(dir, "spill.ndjson"),
    itemSyncMs: 60_000,
    ...overrides,
  });
  // A long interval: the tests take their samples themselves with sampleNow().
  const serving = await createServing(target ?? { model: modelDir }, config, {
    ...options,
    dashboard: { sampleMs: 3_600_000, ...options.dashboard },
  });
  return {
    ...serving,
    dir,
    async close() {
      await serving.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
