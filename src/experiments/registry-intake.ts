import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { readArtifact } from "../models/artifact/artifact-reader.js";
import type { Manifest } from "../models/artifact/manifest.js";
import { loadModel } from "../models/model-kinds.js";
import type { ModelVersionRecord } from "../storage/state/state-store.js";
import { RegistryError } from "./registry-rules.js";

/**
 * The manifest of a version directory whose every checksum holds; `context` prefixes the error.
 * A hybrid is loaded whole, as replicas will load it: its nested parts (`parts/NAME`, each an
 * artifact with its own manifest and checksums) and the shapes the loaders check are otherwise
 * unverified, and a corrupt part would be copied in and fail on every replica.
 */
export async function verifiedManifest(dir: string, context = `cannot register ${dir}`): Promise<Manifest> {
  try {
    const { manifest } = await readArtifact(dir);
    if (manifest.kind === "hybrid") await loadModel(dir);
    return manifest;
  } catch (error) {
    throw new RegistryError("invalid", `${context}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Copies a model version (already verified at `source`) into `versionsDir/VERSION` and returns
 * that path. The copy goes to a hidden temporary sibling, is verified there (it is what replicas
 * will serve), and is renamed into place, so a reader never sees a half-copied version. A copy
 * already in place is reused if it holds the same artifact (a registration retried after a crash).
 */
export async function copyVersionIn(
  source: string,
  manifest: Manifest,
  versionsDir: string,
): Promise<string> {
  const target = join(resolve(versionsDir), manifest.version);
  if (resolve(source) === target) return target;
  if (existsSync(target)) return reuse(target, manifest);
  await mkdir(versionsDir, { recursive: true });
  const tmp = join(resolve(versionsDir), `.${manifest.version}.tmp-${randomBytes(4).toString("hex")}`);
  try {
    await cp(source, tmp, { recursive: true, errorOnExist: true });
    await verifiedManifest(tmp, `the copy of ${source} is not a valid model version`);
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    // Someone registering the same version from another process won the rename: fine if identical.
    if (existsSync(target) && !(error instanceof RegistryError)) return reuse(target, manifest);
    throw error;
  }
  return target;
}

/** Reuses an existing copy only if it is the same artifact and still intact. */
async function reuse(target: string, manifest: Manifest): Promise<string> {
  const existing = await verifiedManifest(target, `${target} exists but is not a valid model version`);
  if (fingerprint(existing) !== fingerprint(manifest)) {
    throw new RegistryError(
      "conflict",
      `${target} already exists and holds a different artifact with the same version name`,
    );
  }
  return target;
}

/** What makes two artifacts the same: the version and the checksum of every file. */
function fingerprint(manifest: Manifest): string {
  const files = [...Object.values(manifest.matrices), ...Object.values(manifest.idMaps)]
    .map((entry) => `${entry.file}:${entry.sha256}`)
    .sort();
  return JSON.stringify([manifest.version, files]);
}

/** The record of a newly registered version: a candidate with its offline metrics and data snapshot. */
export function candidateRecord(
  manifest: Manifest,
  dir: string,
  registeredAt: number,
  extraMetrics: Record<string, number> = {},
): ModelVersionRecord {
  const { interactions, maxTimestamp, source } = manifest.dataSnapshot;
  return {
    version: manifest.version,
    dir,
    stage: "candidate",
    registeredAt,
    metrics: { ...flattenMetrics(manifest.metrics), ...extraMetrics },
    dataSnapshot: { interactions, maxTimestamp, source },
  };
}

/** The manifest's numeric metrics, nested ones under dotted names (`validationNdcgByBucket.cold`). */
export function flattenMetrics(
  metrics: Record<string, unknown>,
  prefix = "",
  depth = 0,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(metrics)) {
    const name = prefix + key;
    if (typeof value === "number" && Number.isFinite(value)) out[name] = value;
    else if (value !== null && typeof value === "object" && depth < 3) {
      Object.assign(out, flattenMetrics(value as Record<string, unknown>, `${name}.`, depth + 1));
    }
  }
  return out;
}
