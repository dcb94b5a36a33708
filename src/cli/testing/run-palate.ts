import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** Runs the palate CLI from source; resolves with exit code and output even when it fails. */
export async function palate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", MAIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
