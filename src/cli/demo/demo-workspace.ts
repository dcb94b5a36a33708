import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { generateCity } from "../../data/city/generate.js";
import { type DemoModels, trainDemoModels } from "./demo-models.js";
import { CITY_DAYS, CITY_SEED } from "./demo-settings.js";

/** What the demo keeps in its directory; anything else there means it is not a demo directory. */
const DEMO_ENTRIES =
  /^(city|models|registry|demo\.json|(events|interactions)\.db(-wal|-shm|-journal)?|events\.spill\.ndjson)$/;
const MARKER = "demo.json";
const MARKER_FORMAT = "palate-demo/2";

/** What a previous run built, so a re-run with the same city reuses it (demo.json). */
interface Marker extends DemoModels {
  format: typeof MARKER_FORMAT;
  city: { users: number; restaurants: number; days: number; seed: number };
}

/** The demo directory's layout, ready for a run. */
export interface DemoWorkspace extends DemoModels {
  /** The demo directory. */
  dir: string;
  cityDir: string;
  registryDir: string;
  eventLog: string;
  spillPath: string;
}

/**
 * Prepares `dir` for a run: the city and both trained versions are reused when a previous run
 * built them for the same city size (re-running `npm start` is quick), and rebuilt otherwise; the
 * registry and the event log are always reset, so every run starts a fresh experiment. A
 * directory holding anything the demo did not write is refused rather than cleaned.
 */
export async function prepareWorkspace(
  dir: string,
  size: { users: number; restaurants: number },
): Promise<DemoWorkspace> {
  await checkIsDemoDir(dir);
  const city = { ...size, days: CITY_DAYS, seed: CITY_SEED };
  const cityDir = join(dir, "city");
  const layout = {
    dir,
    cityDir,
    registryDir: join(dir, "registry"),
    eventLog: `sqlite:${join(dir, "events.db")}`,
    spillPath: join(dir, "events.spill.ndjson"),
  };
  // A fresh experiment: the old registry, events and interactions belong to the previous run.
  for (const name of await readdir(dir)) {
    if (name === "registry" || name.startsWith("events.") || name.startsWith("interactions."))
      await rm(join(dir, name), { recursive: true, force: true });
  }
  const previous = await readMarker(dir);
  if (previous && sameCity(previous.city, city) && built(previous)) {
    console.log(`Reusing the city and models of the previous run in ${dir} (delete it to rebuild)`);
    return { ...layout, champion: previous.champion, canary: previous.canary };
  }
  await rm(join(dir, MARKER), { force: true });
  await rm(cityDir, { recursive: true, force: true });
  await rm(join(dir, "models"), { recursive: true, force: true });
  console.log(
    `Generating the sample city (${city.users} users, ${city.restaurants} restaurants, ${city.days} days, seed ${city.seed}) …`,
  );
  const summary = await generateCity(city, cityDir);
  console.log(
    `  ${summary.events.toLocaleString("en-US")} events (${summary.views} views, ${summary.clicks} clicks, ${summary.bookings} bookings); ` +
      `top 10% of restaurants draw ${(summary.top10Share * 100).toFixed(1)}% of them`,
  );
  const models = await trainDemoModels(cityDir, join(dir, "models"));
  const marker: Marker = { format: MARKER_FORMAT, city, ...models };
  await writeFile(join(dir, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
  return { ...layout, ...models };
}

async function checkIsDemoDir(dir: string): Promise<void> {
  if (!existsSync(dir)) {
    await mkdir(dir, { recursive: true });
    return;
  }
  const entries = await readdir(dir).catch((error: Error) => {
    throw new InputError({ source: "--dir" }, `${dir}: cannot read it as a directory: ${error.message}`);
  });
  const foreign = entries.filter((name) => !DEMO_ENTRIES.test(name));
  if (foreign.length > 0) {
    throw new InputError(
      { source: "--dir" },
      `${dir} holds files the demo did not write (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", …" : ""}); ` +
        "the demo resets its directory on every run, so choose an empty or new --dir",
    );
  }
}

async function readMarker(dir: string): Promise<Marker | null> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, MARKER), "utf8")) as Partial<Marker>;
    return parsed.format === MARKER_FORMAT ? (parsed as Marker) : null;
  } catch {
    return null;
  }
}

function sameCity(a: Marker["city"], b: Marker["city"]): boolean {
  return a.users === b.users && a.restaurants === b.restaurants && a.days === b.days && a.seed === b.seed;
}

function built(marker: Marker): boolean {
  return [marker.champion, marker.canary].every((dir) => existsSync(join(dir, "manifest.json")));
}
