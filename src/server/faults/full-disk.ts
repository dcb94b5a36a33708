/**
 * A spill path on a disk that fills up. As root (a container in CI often is) a 1 MiB tmpfs is
 * mounted in a private directory and mostly filled, so the first spill fits and later ones fail
 * with ENOSPC half-way through a write, as on a real full disk. Without the privilege the path is
 * /dev/full, whose writes fail with ENOSPC (the spill file refuses it at open, which the queue
 * handles the same way); the test says which it used.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where to spill, what kind of full disk it is, and how to put things back. */
export interface FullDisk {
  spillPath: string;
  kind: "tmpfs" | "/dev/full";
  cleanup(): void;
}

const TMPFS_BYTES = 1024 * 1024;
/** Room left on the tmpfs: one batch of a few hundred events spills, the next does not. */
const FREE_BYTES = 320 * 1024;

/** A full disk for the spill file; call `cleanup` when done. */
export function fullDisk(): FullDisk {
  // PALATE_FULL_DISK=/dev/full runs the unprivileged variant as root too (to check it).
  if (process.getuid?.() === 0 && process.env.PALATE_FULL_DISK !== "/dev/full") {
    const dir = mkdtempSync(join(tmpdir(), "palate-full-disk-"));
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", `size=${TMPFS_BYTES}`, "tmpfs", dir], { stdio: "ignore" });
    } catch {
      rmSync(dir, { recursive: true, force: true });
      return devFull();
    }
    writeFileSync(join(dir, "filler"), Buffer.alloc(TMPFS_BYTES - FREE_BYTES));
    return {
      spillPath: join(dir, "spill.ndjson"),
      kind: "tmpfs",
      cleanup() {
        execFileSync("umount", [dir], { stdio: "ignore" });
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  return devFull();
}

function devFull(): FullDisk {
  return { spillPath: "/dev/full", kind: "/dev/full", cleanup() {} };
}
