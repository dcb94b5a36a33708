import { existsSync } from "node:fs";
import { resolve } from "node:path";

/** The shared data directory: `PALATE_DATA_DIR`, or `../shared/data` from the project root. */
export function dataDir(): string {
  return resolve(process.env["PALATE_DATA_DIR"] ?? "../shared/data");
}

/**
 * The directory of dataset `name` under the data directory, or a skip message when it is absent
 * (pass it to `test(..., { skip })`).
 */
export function datasetPath(name: string): { path: string; skip: string | false } {
  const path = resolve(dataDir(), name);
  return existsSync(path)
    ? { path, skip: false }
    : { path, skip: `dataset ${name} not found at ${path} (set PALATE_DATA_DIR)` };
}
