import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { LineCounter, parseAllDocuments } from "yaml";

/** Every `.yaml`/`.yml` file under `dir`, sorted, as paths. */
export function listYamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listYamlFiles(path));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/**
 * Parses every document of a YAML text (empty documents dropped). A syntax error, or a warning
 * such as a duplicate key, throws naming `source:line:column`.
 */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const out: unknown[] = [];
  for (const document of documents) {
    const problem = document.errors[0] ?? document.warnings[0];
    if (problem) {
      const { line, col } = lines.linePos(problem.pos[0]);
      throw new Error(`${source}:${line}:${col}: ${problem.message}`);
    }
    const value = document.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** The documents of a YAML file; errors name the file relative to `root`. */
export function parseYamlFile(path: string, root: string): unknown[] {
  return parseYamlDocuments(readFileSync(path, "utf8"), relative(root, path));
}
