import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { parseYamlDocuments } from "./yaml-files.js";

/**
 * The kubectl binaries to build with: PALATE_KUBECTL (paths separated like PATH, e.g. the
 * cluster's kubectl and Debian's kubernetes-client 1.20, whose embedded kustomize is v2.0.3),
 * else the first `kubectl` on PATH. Empty when there is none.
 */
export function kubectlBinaries(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = env.PALATE_KUBECTL?.split(delimiter).filter((p) => p.length > 0);
  if (listed && listed.length > 0) return listed;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "kubectl");
    if (dir && existsSync(candidate)) return [candidate];
  }
  return [];
}

/** The kubectl's client version line, e.g. `v1.20.2`. */
export function kubectlVersion(kubectl: string): string {
  const result = spawnSync(kubectl, ["version", "--client"], { encoding: "utf8" });
  const output = result.stdout ?? "";
  const match = /GitVersion:"([^"]+)"/.exec(output) ?? /Client Version: (\S+)/.exec(output);
  return match ? match[1] : "unknown version";
}

/** Runs `kubectl kustomize DIR` and parses the objects it prints; a failure throws with stderr. */
export function kustomizeBuild(kubectl: string, dir: string): Record<string, unknown>[] {
  const result = spawnSync(kubectl, ["kustomize", dir], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`${kubectl} kustomize ${dir}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${kubectl} kustomize ${dir} exited ${result.status}: ${result.stderr.trim()}`);
  }
  return parseYamlDocuments(result.stdout, `kustomize ${dir}`) as Record<string, unknown>[];
}
