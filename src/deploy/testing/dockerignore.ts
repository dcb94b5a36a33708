import { readdirSync } from "node:fs";
import { join } from "node:path";

/** One `.dockerignore` line: a path pattern, or an exception (`!pattern`). */
export interface IgnoreRule {
  pattern: string;
  exception: boolean;
  regex: RegExp;
}

/**
 * Translates a pattern the way Docker's build context does (moby's patternmatcher): `*` and `?`
 * stay within one path segment, `**` spans any number of segments (none included), everything
 * else is literal; the whole relative path must match.
 */
function patternRegex(pattern: string): RegExp {
  let out = "^";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "*" && pattern[i + 1] === "*") {
      i++;
      if (pattern[i + 1] === "/") i++;
      out += i + 1 >= pattern.length ? ".*" : "(.*/)?";
    } else if (ch === "*") out += "[^/]*";
    else if (ch === "?") out += "[^/]";
    else out += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`${out}$`);
}

/** Removes `.` segments, duplicate and trailing slashes, and a leading `/` (paths are context-relative). */
function cleanPattern(pattern: string): string {
  return pattern
    .split("/")
    .filter((part) => part !== "" && part !== ".")
    .join("/");
}

/** The rules of a `.dockerignore` text: comments and blank lines dropped, in order. */
export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const exception = line.startsWith("!");
    const pattern = cleanPattern(exception ? line.slice(1).trim() : line);
    if (pattern === "") continue;
    rules.push({ pattern, exception, regex: patternRegex(pattern) });
  }
  return rules;
}

/**
 * Whether a context-relative path (`/`-separated) is left out of the build context: a rule
 * matches the path or any of its parent directories, and the last matching rule decides.
 */
export function isIgnored(rules: readonly IgnoreRule[], path: string): boolean {
  const parts = path.split("/");
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
  let ignored = false;
  for (const rule of rules) {
    if (prefixes.some((prefix) => rule.regex.test(prefix))) ignored = !rule.exception;
  }
  return ignored;
}

/** Whether an exception could re-include something under an ignored directory. */
function exceptionReaches(rules: readonly IgnoreRule[], dir: string): boolean {
  return rules.some((rule) => {
    if (!rule.exception) return false;
    const literal = rule.pattern.split(/[*?[]/)[0];
    return literal.startsWith(`${dir}/`) || `${dir}/`.startsWith(literal);
  });
}

/** Every file of the build context under `root` (relative `/`-separated paths, sorted). */
export function contextFiles(root: string, rules: readonly IgnoreRule[], dir = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    const ignored = isIgnored(rules, path);
    if (entry.isDirectory()) {
      if (!ignored || exceptionReaches(rules, path)) out.push(...contextFiles(root, rules, path));
    } else if (!ignored) out.push(path);
  }
  return out.sort();
}
