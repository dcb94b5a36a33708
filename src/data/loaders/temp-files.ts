import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temporary directory of small files for tests. */
export interface TempFiles {
  readonly dir: string;
  /** The full path of a file in the directory. */
  path(name: string): string;
  /** Deletes the directory. */
  remove(): Promise<void>;
}

/** Writes `files` (name → content) into a fresh temporary directory. */
export async function tempFiles(files: Record<string, string | Uint8Array>): Promise<TempFiles> {
  const dir = await mkdtemp(join(tmpdir(), "palate-data-"));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return {
    dir,
    path: (name) => join(dir, name),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
