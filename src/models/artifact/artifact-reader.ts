import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PalateError } from "../../core/errors.js";
import { type Manifest, ManifestSchema, type MatrixEntry } from "./manifest.js";

/** A loaded model version: its manifest, typed-array views of its matrices and its id maps. */
export interface Artifact {
  dir: string;
  manifest: Manifest;
  matrix(name: string): Float32Array | Int32Array;
  f32(name: string): Float32Array;
  i32(name: string): Int32Array;
  ids(name: string): string[];
}

function checksum(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, "manifest.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new PalateError(`${path}: cannot read the model manifest (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PalateError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PalateError(`${path}: field '${issue.path.join(".") || "(root)"}': ${issue.message}`);
  }
  return parsed.data;
}

async function readVerified(dir: string, file: string, sha256: string, what: string): Promise<Buffer> {
  const path = join(dir, file);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new PalateError(`${path}: cannot read ${what} (${(error as Error).message})`);
  }
  const actual = checksum(bytes);
  if (actual !== sha256) {
    throw new PalateError(`${path}: checksum mismatch for ${what} (manifest ${sha256}, file ${actual})`);
  }
  return bytes;
}

function viewOf(bytes: Buffer, entry: MatrixEntry, path: string): Float32Array | Int32Array {
  const count = entry.shape.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== count * 4) {
    throw new PalateError(
      `${path}: truncated or oversized matrix: shape [${entry.shape}] needs ${count * 4} bytes, file has ${bytes.byteLength}`,
    );
  }
  // A view needs 4-byte alignment; a pooled Buffer may not have it, so copy only then.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : Buffer.from(bytes);
  return entry.dtype === "f32"
    ? new Float32Array(aligned.buffer, aligned.byteOffset, count)
    : new Int32Array(aligned.buffer, aligned.byteOffset, count);
}

/**
 * Loads a model version: validates the manifest, verifies every checksum and size, and exposes
 * the matrices as typed-array views over the file bytes (no per-row parsing).
 */
export async function readArtifact(dir: string): Promise<Artifact> {
  const manifest = await readManifest(dir);
  const matrices = new Map<string, Float32Array | Int32Array>();
  for (const [name, entry] of Object.entries(manifest.matrices)) {
    const bytes = await readVerified(dir, entry.file, entry.sha256, `matrix '${name}'`);
    matrices.set(name, viewOf(bytes, entry, join(dir, entry.file)));
  }
  const idMaps = new Map<string, string[]>();
  for (const [name, entry] of Object.entries(manifest.idMaps)) {
    const bytes = await readVerified(dir, entry.file, entry.sha256, `id map '${name}'`);
    const text = bytes.toString("utf8");
    const ids = text.length === 0 ? [] : text.slice(0, -1).split("\n");
    if (ids.length !== entry.count) {
      throw new PalateError(
        `${join(dir, entry.file)}: id map '${name}' has ${ids.length} ids, manifest says ${entry.count}`,
      );
    }
    idMaps.set(name, ids);
  }
  const matrix = (name: string) => {
    const m = matrices.get(name);
    if (!m)
      throw new PalateError(
        `${dir}: model kind '${manifest.kind}' needs matrix '${name}', manifest has none`,
      );
    return m;
  };
  return {
    dir,
    manifest,
    matrix,
    f32: (name) => {
      const m = matrix(name);
      if (!(m instanceof Float32Array)) throw new PalateError(`${dir}: matrix '${name}' must be f32`);
      return m;
    },
    i32: (name) => {
      const m = matrix(name);
      if (!(m instanceof Int32Array)) throw new PalateError(`${dir}: matrix '${name}' must be i32`);
      return m;
    },
    ids: (name) => {
      const ids = idMaps.get(name);
      if (!ids) throw new PalateError(`${dir}: manifest has no id map '${name}'`);
      return ids;
    },
  };
}
