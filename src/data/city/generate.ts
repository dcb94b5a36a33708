import { createWriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ChunkWriter } from "./chunk-writer.js";
import { CITY_FILES, writeDay, writeInteractionsHeader, writeItems, writeUsers } from "./city-files.js";
import { BOOKING, CLICK, VIEW } from "./constants.js";
import { DayBuffer } from "./day-buffer.js";
import { type CitySummary, manifestJson } from "./manifest.js";
import { DAY_SECONDS, dayOfWeek } from "./meal-time.js";
import { type CityParams, startSeconds } from "./params.js";
import { topShare } from "./popularity.js";
import { SessionSimulator } from "./sessions.js";
import { buildWorld } from "./world.js";

/** Progress of a generation, reported after each simulated day. */
export interface CityProgress {
  day: number;
  days: number;
  events: number;
}

/** Options of `generateCity`. */
export interface GenerateCityOptions {
  onProgress?: (progress: CityProgress) => void;
}

async function writeFileStreamed(path: string, write: (out: ChunkWriter) => Promise<void>): Promise<number> {
  const stream = createWriteStream(path);
  const out = new ChunkWriter(stream);
  try {
    await write(out);
    await out.end();
  } catch (err) {
    stream.destroy();
    throw err;
  }
  return out.bytesWritten;
}

/**
 * Generates a simulated restaurant city into `outDir`: items.csv, users.csv, a time-ordered
 * interactions.csv and city.json. Byte-identical for identical params; memory holds the world and
 * one day of events, whatever the number of days.
 */
export async function generateCity(
  params: CityParams,
  outDir: string,
  options: GenerateCityOptions = {},
): Promise<CitySummary> {
  const began = performance.now();
  const world = buildWorld(params);
  const resolved = world.params;
  await mkdir(outDir, { recursive: true });
  const bytes: Record<string, number> = {};
  bytes[CITY_FILES.items] = await writeFileStreamed(join(outDir, CITY_FILES.items), (out) =>
    writeItems(world, out),
  );
  bytes[CITY_FILES.users] = await writeFileStreamed(join(outDir, CITY_FILES.users), (out) =>
    writeUsers(world, out),
  );

  const simulator = new SessionSimulator(world);
  const perItem = new Float64Array(world.restaurants.count);
  const activeUsers = new Uint8Array(world.users.count);
  const day = new DayBuffer();
  const startTime = startSeconds(resolved.start);
  let events = 0;
  bytes[CITY_FILES.interactions] = await writeFileStreamed(
    join(outDir, CITY_FILES.interactions),
    async (out) => {
      await writeInteractionsHeader(out);
      for (let d = 0; d < resolved.days; d++) {
        const dayStart = startTime + d * DAY_SECONDS;
        day.clear();
        simulator.simulateDay(dayOfWeek(dayStart), day);
        day.sort();
        for (let i = 0; i < day.length; i++) activeUsers[day.user[i]] = 1;
        await writeDay(world, day, dayStart, out, perItem);
        events += day.length;
        options.onProgress?.({ day: d + 1, days: resolved.days, events });
      }
    },
  );

  const counters = simulator.counters;
  let active = 0;
  for (let u = 0; u < activeUsers.length; u++) active += activeUsers[u];
  let activeRestaurants = 0;
  for (let r = 0; r < perItem.length; r++) if (perItem[r] > 0) activeRestaurants++;
  const summary: CitySummary = {
    users: resolved.users,
    restaurants: resolved.restaurants,
    days: resolved.days,
    startTime,
    endTime: startTime + resolved.days * DAY_SECONDS,
    sessions: counters.sessions,
    events,
    views: counters.byType[VIEW],
    clicks: counters.byType[CLICK],
    bookings: counters.byType[BOOKING],
    activeUsers: active,
    activeRestaurants,
    top10Share: Math.round(topShare(perItem, 0.1) * 10_000) / 10_000,
    failedDraws: counters.failedDraws,
    bytes,
    seconds: 0,
  };
  await writeFile(join(outDir, CITY_FILES.manifest), manifestJson(resolved, summary));
  summary.seconds = (performance.now() - began) / 1000;
  return summary;
}
