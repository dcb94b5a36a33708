import type { FastifyInstance } from "fastify";
import { bookingProbability, clickProbability } from "../../data/city/ground-truth.js";
import { restaurantIndexOf, userId } from "../../data/city/ids.js";
import type { CityWorld } from "../../data/city/world.js";
import type { Random } from "../../math/random.js";

/** Chance a user looks at the item at each rank (position bias): most attention goes to the top. */
const EXAMINE = [1, 0.8, 0.65, 0.5, 0.4, 0.32, 0.25, 0.2, 0.16, 0.12];

/** What one simulated visit saw and did. */
export interface Visit {
  variant: string;
  modelVersion: string;
  clicks: number;
  bookings: number;
}

/**
 * One simulated city user visiting through the HTTP API (in-process `inject`): asks for 10
 * recommendations, examines them top-down with position bias, clicks and books by the city's
 * ground-truth probabilities, and posts those events attributed to the list. Better lists for
 * the user's true taste mean more clicks and bookings — what makes canary decisions meaningful.
 */
export async function visit(
  app: FastifyInstance,
  world: CityWorld,
  rng: Random,
  nowSeconds: number,
): Promise<Visit> {
  const u = Math.floor(rng.next() * world.users.count);
  const user = userId(world, u);
  const session = `s-${u}-${Math.floor(rng.next() * 1e9)}`;
  const at = new Date(nowSeconds * 1000).toISOString();
  const response = await app.inject({
    url: `/v1/recommendations?user_id=${user}&k=10&at=${at}&session_id=${session}`,
  });
  if (response.statusCode !== 200)
    throw new Error(`recommendations: ${response.statusCode} ${response.body}`);
  const body = response.json() as {
    recommendation_id: string;
    variant: string;
    model_version: string;
    items: { item_id: string }[];
  };
  const events: object[] = [];
  let clicks = 0;
  let bookings = 0;
  body.items.forEach((item, rank) => {
    if (rng.next() >= (EXAMINE[rank] ?? 0.1)) return;
    const r = restaurantIndexOf(world, item.item_id);
    const context = { time: nowSeconds };
    if (rng.next() >= clickProbability(world, u, r, context)) return;
    clicks++;
    const common = {
      user_id: user,
      item_id: item.item_id,
      timestamp: at,
      recommendation_id: body.recommendation_id,
      session_id: session,
    };
    events.push({ type: "click", ...common });
    if (rng.next() < bookingProbability(world, u, r, context)) {
      bookings++;
      events.push({ type: "booking", ...common });
    }
  });
  if (events.length > 0) {
    const posted = await app.inject({ method: "POST", url: "/v1/events", payload: events });
    if (posted.statusCode !== 202) throw new Error(`events: ${posted.statusCode} ${posted.body}`);
  }
  return { variant: body.variant, modelVersion: body.model_version, clicks, bookings };
}
