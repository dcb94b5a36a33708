import type { Clock } from "../core/clock.js";
import type { CityWorld } from "../data/city/world.js";
import { Random } from "../math/random.js";
import { type ApiCall, visit } from "./city-visit.js";

/** Relative visit intensity by hour of day (UTC, the city's clock): peaks at lunch and dinner. */
const HOURLY = [
  0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 0.5, 0.6, 0.5, 0.6, 1.0, 1.0, 0.8, 0.5, 0.4, 0.5, 0.8, 1.0, 1.0, 0.8,
  0.5, 0.3, 0.2,
];

/** Options of a live simulation. */
export interface SimulationOptions {
  api: ApiCall;
  world: CityWorld;
  clock: Clock;
  /** Simulated users drawn from the first `users` of the city. */
  users: number;
  /** Visits per real second at the busiest hour (a pacing cap). */
  rate: number;
  /** Simulated days to run. */
  days: number;
  seed: number;
  signal?: AbortSignal;
  /** Called every `reportEverySeconds` real seconds with the counts so far. */
  onReport?: (summary: SimulationSummary) => void;
  reportEverySeconds?: number;
}

/** Per-variant counts of what the simulated users saw and did. */
export interface SimulationSummary {
  simulatedTime: string;
  visits: number;
  errors: number;
  variants: Record<
    string,
    { impressions: number; clicks: number; bookings: number; ctr: number; bookingRate: number }
  >;
}

/**
 * The simulated city as live users of the API: visits arrive at meal-time peaks of simulated
 * time, each one a user asking for recommendations and clicking and booking by the city's ground
 * truth (`city-visit.ts`), until `days` simulated days have passed on the shared clock.
 */
export async function runSimulation(o: SimulationOptions): Promise<SimulationSummary> {
  const rng = new Random(o.seed);
  const start = o.clock();
  const end = start + o.days * 86_400_000;
  const counts = new Map<string, { impressions: number; clicks: number; bookings: number }>();
  let visits = 0;
  let errors = 0;
  const summary = (): SimulationSummary => ({
    simulatedTime: new Date(o.clock()).toISOString(),
    visits,
    errors,
    variants: Object.fromEntries(
      [...counts].map(([v, c]) => [
        v,
        {
          ...c,
          ctr: c.clicks / Math.max(1, c.impressions),
          bookingRate: c.bookings / Math.max(1, c.impressions),
        },
      ]),
    ),
  });
  let lastReport = Date.now();
  while (!o.signal?.aborted && o.clock() < end) {
    const now = o.clock();
    const intensity = HOURLY[new Date(now).getUTCHours()];
    // Pace in real time; the hour's intensity thins visits outside meal times.
    await new Promise((r) => setTimeout(r, 1000 / o.rate));
    if (rng.next() >= intensity) continue;
    try {
      const v = await visit(o.api, o.world, rng, now / 1000, o.users);
      const c = counts.get(v.variant) ?? { impressions: 0, clicks: 0, bookings: 0 };
      c.impressions++;
      c.clicks += v.clicks;
      c.bookings += v.bookings;
      counts.set(v.variant, c);
      visits++;
    } catch {
      errors++;
    }
    if (o.onReport && Date.now() - lastReport >= (o.reportEverySeconds ?? 5) * 1000) {
      lastReport = Date.now();
      o.onReport(summary());
    }
  }
  return summary();
}
