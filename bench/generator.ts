/**
 * Benchmark of the simulated-city generator: seconds, events/s, peak RSS, bytes written and the
 * measured top-10% share. Generation runs in a child process so the peak RSS is its own.
 *
 *   node --import tsx bench/generator.ts [--users 2000000] [--restaurants 100000] [--days 30]
 *                                        [--seed 1] [--out DIR]
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateCity } from "../src/data/city/generate.js";
import type { CitySummary } from "../src/data/city/manifest.js";
import { type BenchRow, printBench } from "./report.js";

/** What to generate. */
export interface GeneratorBenchParams {
  users: number;
  restaurants: number;
  days: number;
  seed?: number;
}

/** What the child reports back on its last stdout line. */
interface ChildReport {
  summary: CitySummary;
  maxRssKb: number;
  cpuSeconds: number;
}

const CHILD_FLAG = "--child";

function runChild(params: GeneratorBenchParams, outDir: string): Promise<ChildReport> {
  const args = [
    "--import",
    import.meta.resolve("tsx"),
    fileURLToPath(import.meta.url),
    CHILD_FLAG,
    JSON.stringify({ params, outDir }),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`generator child exited with code ${code}`));
      const last = stdout.trim().split("\n").at(-1) ?? "";
      try {
        resolve(JSON.parse(last) as ChildReport);
      } catch (err) {
        reject(new Error(`generator child printed no report: ${last}`, { cause: err }));
      }
    });
  });
}

/**
 * Generates a city in a child process and reports one row: seconds, events/s, peak RSS (MB),
 * bytes written and the top-10% share. The output is deleted afterwards unless `outDir` is given.
 */
export async function benchGenerator(params: GeneratorBenchParams, outDir?: string): Promise<BenchRow[]> {
  const dir = outDir ?? (await mkdtemp(join(tmpdir(), "palate-bench-city-")));
  try {
    const { summary, maxRssKb, cpuSeconds } = await runChild(params, dir);
    const bytes = Object.values(summary.bytes).reduce((a, b) => a + b, 0);
    return [
      {
        users: params.users,
        restaurants: params.restaurants,
        days: params.days,
        events: summary.events,
        seconds: summary.seconds,
        "cpu s": cpuSeconds,
        "events/s": Math.round(summary.events / summary.seconds),
        "peak RSS MB": Math.round(maxRssKb / 1024),
        "bytes written": bytes,
        "top-10% share": summary.top10Share,
      },
    ];
  } finally {
    if (outDir === undefined) await rm(dir, { recursive: true, force: true });
  }
}

async function child(json: string): Promise<void> {
  const { params, outDir } = JSON.parse(json) as { params: GeneratorBenchParams; outDir: string };
  const summary = await generateCity({ seed: 1, ...params }, outDir, {
    onProgress: ({ day, days, events }) => {
      if (day % 5 === 0 || day === days) process.stderr.write(`day ${day}/${days}: ${events} events\n`);
    },
  });
  const usage = process.resourceUsage();
  const report: ChildReport = {
    summary,
    maxRssKb: usage.maxRSS,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

async function main(args: string[]): Promise<void> {
  if (args[0] === CHILD_FLAG) return child(args[1]);
  const params: GeneratorBenchParams = {
    users: option(args, "--users", 2_000_000),
    restaurants: option(args, "--restaurants", 100_000),
    days: option(args, "--days", 30),
    seed: option(args, "--seed", 1),
  };
  const out = args.indexOf("--out");
  const rows = await benchGenerator(params, out >= 0 ? args[out + 1] : undefined);
  printBench("generator", rows);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
