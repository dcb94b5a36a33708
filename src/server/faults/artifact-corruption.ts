/**
 * The ways a model version on disk can be broken, each applied to a fresh copy of a good version:
 * what a crashed `cp`, a bad disk, a half-synced volume or a hand-edited manifest leave behind.
 * Each names the error the loader must give, so a test can check the refusal says what is wrong.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

interface MatrixEntry {
  file: string;
  dtype: string;
  shape: number[];
  sha256: string;
}

/** One way to break a version directory; `expect` matches the loader's error. */
export interface Corruption {
  name: string;
  apply(dir: string): void;
  expect: RegExp;
}

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
const writeManifest = (dir: string, manifest: unknown) =>
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));

/** The first two-dimensional float32 matrix of the manifest in `dir`. */
function firstMatrix(dir: string): [string, MatrixEntry] {
  const entries = Object.entries(manifestOf(dir).matrices as Record<string, MatrixEntry>);
  const found = entries.find(([, e]) => e.dtype === "f32" && e.shape.length === 2 && e.shape[0] > 1);
  if (!found) throw new Error(`${dir}: no two-dimensional f32 matrix to corrupt`);
  return found;
}

/** Every file under `dir`, relative, in the order `cp -r` would likely visit them (sorted). */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out;
}

/** The corruptions every loading path (reload, registry swap, registration) must refuse. */
export const CORRUPTIONS: readonly Corruption[] = [
  {
    // The size check, not the checksum: the manifest was rewritten to match the short file.
    name: "a float32 matrix of a nested part cut by one row, checksum updated to match",
    apply(dir) {
      const part = join(dir, "parts", "als");
      const manifest = manifestOf(part);
      const [name, entry] = firstMatrix(part);
      const path = join(part, entry.file);
      truncateSync(path, statSync(path).size - entry.shape[1] * 4);
      manifest.matrices[name].sha256 = createHash("sha256").update(readFileSync(path)).digest("hex");
      writeManifest(part, manifest);
    },
    expect: /parts\/als\/.*truncated or oversized matrix/,
  },
  {
    name: "a float32 matrix cut mid-float",
    apply(dir) {
      const [, entry] = firstMatrix(dir);
      const path = join(dir, entry.file);
      truncateSync(path, statSync(path).size - 2);
    },
    expect: /checksum mismatch/,
  },
  {
    name: "one flipped byte in a nested part's matrix (checksum mismatch)",
    apply(dir) {
      const part = join(dir, "parts", "cleora");
      const path = join(part, firstMatrix(part)[1].file);
      const bytes = readFileSync(path);
      bytes[bytes.length >> 1] ^= 0x40;
      writeFileSync(path, bytes);
    },
    expect: /parts\/cleora\/.*checksum mismatch/,
  },
  {
    name: "no manifest",
    apply: (dir) => rmSync(join(dir, "manifest.json")),
    expect: /manifest\.json: cannot read the model manifest/,
  },
  {
    name: "a nested part without its manifest",
    apply: (dir) => rmSync(join(dir, "parts", "als", "manifest.json")),
    expect: /parts\/als\/manifest\.json: cannot read the model manifest/,
  },
  {
    // Same number of bytes, so neither checksum nor size catches it: only the shape check does.
    name: "a manifest whose matrix dims are swapped (same byte count)",
    apply(dir) {
      const part = join(dir, "parts", "als");
      const manifest = manifestOf(part);
      const [name, entry] = firstMatrix(part);
      manifest.matrices[name].shape = [entry.shape[1], entry.shape[0]];
      writeManifest(part, manifest);
    },
    expect: /parts\/als: matrix '.*' has shape \[\d+,\d+\], expected \[\d+, \d+\]/,
  },
  {
    name: "a manifest whose dims do not match the file's size",
    apply(dir) {
      const manifest = manifestOf(dir);
      const [name, entry] = firstMatrix(dir);
      manifest.matrices[name].shape = [entry.shape[0] + 1, entry.shape[1]];
      writeManifest(dir, manifest);
    },
    expect: /truncated or oversized matrix: shape \[\d+,\d+\] needs \d+ bytes/,
  },
  {
    // A copy interrupted half-way: the files up to the middle are there, the last one half written.
    name: "a partially copied directory",
    apply(dir) {
      const files = filesUnder(dir);
      const half = files.length >> 1;
      for (const file of files.slice(half + 1)) rmSync(join(dir, file));
      const last = join(dir, files[half]);
      truncateSync(last, statSync(last).size >> 1);
    },
    expect: /cannot read|checksum mismatch|not valid JSON/,
  },
];
