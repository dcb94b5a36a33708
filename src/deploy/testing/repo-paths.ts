import { fileURLToPath } from "node:url";

/** The repository root (this file is src/deploy/testing/repo-paths.ts). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
