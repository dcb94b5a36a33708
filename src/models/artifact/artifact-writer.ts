import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { PalateError } from "../../core/errors.js";
import type { DriftBaselines } from "./drift-baselines.js";
import { ARTIFACT_FORMAT, ARTIFACT_FORMAT_VERSION, type Manifest, type MatrixEntry } from "./manifest.js";

/** A matrix to store: float32 or int32 values with a 1-D or 2-D shape. */
export interface MatrixData {
  data: Float32Array | Int32Array;
  shape: number[];
}

/** Everything a model writes; the writer adds checksums, format fields and the file layout. */
export interface ArtifactContent {
  version: string;
  kind: string;
  dataSnapshot: Manifest["dataSnapshot"];
  parameters: Record<string, unknown>;
  metrics: Record<string, unknown>;
  matrices: Record<string, MatrixData>;
  idMaps: Record<string, readonly string[]>;
  /** Training-time distributions for drift detection, written into the manifest. */
  driftBaselines?: DriftBaselines;
  /**
   * Writes nested content (e.g. a hybrid's part artifacts) into the temporary directory before
   * it is renamed into place, so the whole version still appears atomically.
   */
  writeNested?: (tmpDir: string) => Promise<void>;
}

/** A fresh version name: UTC time to the second plus a short random suffix, sortable by age. */
export function newVersionName(kind: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${kind}-${randomBytes(3).toString("hex")}`;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Little-endian bytes of a typed array (a view: every supported platform is little-endian). */
function bytesOf(array: Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Writes a model version to `dir` atomically: files go to a sibling temporary directory that is
 * renamed into place, so a reader never sees a half-written version. Versions are immutable, so
 * an existing non-empty `dir` is an error.
 */
export async function writeArtifact(dir: string, content: ArtifactContent): Promise<Manifest> {
  if (existsSync(dir) && (await readdir(dir)).length > 0) {
    throw new PalateError(
      `${dir}: already holds a model version; versions are immutable, choose a new --out`,
    );
  }
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) {
    throw new PalateError("artifacts are little-endian and this platform is not");
  }
  await mkdir(dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${randomBytes(4).toString("hex")}`;
  await mkdir(tmp, { recursive: true });
  try {
    const matrices: Record<string, MatrixEntry> = {};
    for (const [name, { data, shape }] of Object.entries(content.matrices)) {
      const expected = shape.reduce((a, b) => a * b, 1);
      if (expected !== data.length) {
        throw new PalateError(
          `matrix ${name}: shape [${shape}] needs ${expected} values, got ${data.length}`,
        );
      }
      const dtype = data instanceof Float32Array ? "f32" : "i32";
      const file = `${name}.${dtype}`;
      const bytes = bytesOf(data);
      await writeFile(join(tmp, file), bytes);
      matrices[name] = { file, dtype, shape, sha256: sha256(bytes) };
    }
    const idMaps: Manifest["idMaps"] = {};
    for (const [name, ids] of Object.entries(content.idMaps)) {
      const file = `${name}.ids`;
      const bytes = Buffer.from(ids.length === 0 ? "" : `${ids.join("\n")}\n`, "utf8");
      await writeFile(join(tmp, file), bytes);
      idMaps[name] = { file, count: ids.length, sha256: sha256(bytes) };
    }
    const manifest: Manifest = {
      format: ARTIFACT_FORMAT,
      formatVersion: ARTIFACT_FORMAT_VERSION,
      version: content.version,
      kind: content.kind,
      createdAt: new Date().toISOString(),
      dataSnapshot: content.dataSnapshot,
      parameters: content.parameters,
      metrics: content.metrics,
      matrices,
      idMaps,
      ...(content.driftBaselines ? { driftBaselines: content.driftBaselines } : {}),
    };
    if (content.writeNested) await content.writeNested(tmp);
    await writeFile(join(tmp, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    if (existsSync(dir)) await rm(dir, { recursive: true });
    await rename(tmp, dir);
    return manifest;
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}
