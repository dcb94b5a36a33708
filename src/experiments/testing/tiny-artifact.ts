import { writeArtifact } from "../../models/artifact/artifact-writer.js";

/**
 * A valid model version of a few bytes, named `version`, for registry tests: what the registry
 * checks (manifest, checksums) without training anything.
 */
export async function tinyArtifact(
  dir: string,
  version: string,
  metrics: Record<string, unknown> = {},
  scores: readonly number[] = [0.75, 0.25],
): Promise<string> {
  await writeArtifact(dir, {
    version,
    kind: "popularity",
    dataSnapshot: { source: "test", interactions: 12, users: 3, items: 2, maxTimestamp: 1_700_000_000 },
    parameters: {},
    metrics,
    matrices: { scores: { data: Float32Array.from(scores), shape: [scores.length] } },
    idMaps: { items: scores.map((_, i) => `i${i + 1}`) },
  });
  return dir;
}
