import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";

/**
 * Static `import … from "x"` / `export … from "x"` / `import "x"` at the start of a line (as tsc
 * emits them) and `import("x")` with a literal: strings in messages do not match.
 */
const IMPORTS = [
  /^\s*(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']/gm,
  /^\s*import\s*["']([^"']+)["']/gm,
  /\bimport\(\s*["']([^"']+)["']\s*\)/g,
];
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** The package an import specifier names (`@scope/name/sub` → `@scope/name`), or null for a relative or built-in one. */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return null;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  return builtinModules.includes(name) || !PACKAGE_NAME.test(name) ? null : name;
}

/** Every package the compiled JavaScript under `dir` imports, with one file importing it. */
export function importedPackages(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".js")) continue;
    const path = join(entry.parentPath, entry.name);
    const text = readFileSync(path, "utf8");
    for (const pattern of IMPORTS) {
      for (const match of text.matchAll(pattern)) {
        const name = packageOf(match[1]);
        if (name && !out.has(name)) out.set(name, path);
      }
    }
  }
  return out;
}
