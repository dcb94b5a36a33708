import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A file the dashboard serves, read once at start (the whole page is a few tens of KB). */
export interface StaticAsset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** Plain names only: nothing a request could turn into a path outside the directory. */
const SAFE_NAME = /^[a-z0-9][a-z0-9-]*\.(html|js|css|svg)$/;

/**
 * The directory of the page's files. Beside this module when it exists (the sources under tsx,
 * or `dist/` after the build copied them); otherwise the sources' copy from the package root,
 * so a `dist/` compiled by a bare `tsc` still finds them.
 */
export function publicDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, "public");
  if (existsSync(join(beside, "index.html"))) return beside;
  const fromRoot = join(here, "..", "..", "..", "src", "server", "dashboard", "public");
  if (existsSync(join(fromRoot, "index.html"))) return fromRoot;
  throw new Error(`dashboard: no page files in ${beside} or ${fromRoot}`);
}

/** The page's own files by name (index.html, scripts, styles). */
export function loadPageAssets(dir = publicDirectory()): Map<string, StaticAsset> {
  const assets = new Map<string, StaticAsset>();
  for (const name of readdirSync(dir)) {
    if (!SAFE_NAME.test(name)) continue;
    assets.set(name, { body: readFileSync(join(dir, name)), type: TYPES[extname(name)] });
  }
  return assets;
}

/**
 * uPlot's ES module and stylesheet, read from the installed package (resolved the way Node
 * resolves the import, so a hoisted or nested node_modules both work) rather than copied.
 */
export function loadChartLibrary(): Map<string, StaticAsset> {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve("uplot/dist/uPlot.esm.js"));
  return new Map([
    ["uPlot.esm.js", { body: readFileSync(join(dist, "uPlot.esm.js")), type: TYPES[".js"] }],
    ["uPlot.min.css", { body: readFileSync(join(dist, "uPlot.min.css")), type: TYPES[".css"] }],
  ]);
}
