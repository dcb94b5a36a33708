import { bookingProbability, clickProbability } from "../data/city/ground-truth.js";
import { restaurantIndexOf, userId } from "../data/city/ids.js";
import type { CityWorld } from "../data/city/world.js";
import type { Random } from "../math/random.js";

/** Chance a user looks at the item at each rank (position bias): most attention goes to the top. */
const EXAMINE = [1, 0.8, 0.65, 0.5, 0.4, 0.32, 0.25, 0.2, 0.16, 0.12];

/** What one simulated visit saw and did. */
export interface Visit {
  variant: string;
  modelVersion: string;
  clicks: number;
  bookings: number;
}

/** How a visit talks to the API: over HTTP, or in-process through Fastify's `inject` in tests. */
export type ApiCall = (
  method: "GET" | "POST",
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: string }>;

/** An ApiCall over HTTP to a running server (keep-alive is the global fetch's default). */
export function httpApi(target: string): ApiCall {
  const base = target.replace(/\/$/, "");
  return async (method, path, body) => {
    const response = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.text() };
  };
}

/** An ApiCall through a Fastify app's `inject` (no sockets). */
export function injectApi(app: {
  inject(options: object): Promise<{ statusCode: number; body: string }>;
}): ApiCall {
  return async (method, path, body) => {
    const response = await app.inject({ method, url: path, payload: body as object | undefined });
    return { status: response.statusCode, body: response.body };
  };
}

/**
 * One simulated city user visiting through the HTTP API: asks for 10
 * recommendations, examines them top-down with position bias, clicks and books by the city's
 * ground-truth probabilities, and posts those events attributed to the list. Better lists for
 * the user's true taste mean more clicks and bookings — what makes canary decisions meaningful.
 */
export async function visit(
  api: ApiCall,
  world: CityWorld,
  rng: Random,
  nowSeconds: number,
  users = world.users.count,
): Promise<Visit> {
  const u = Math.floor(rng.next() * Math.min(users, world.users.count));
  const user = userId(world, u);
  const session = `s-${u}-${Math.floor(rng.next() * 1e9)}`;
  const at = new Date(nowSeconds * 1000).toISOString();
  const response = await api(
    "GET",
    `/v1/recommendations?user_id=${user}&k=10&at=${at}&session_id=${session}`,
  );
  if (response.status !== 200) throw new Error(`recommendations: ${response.status} ${response.body}`);
  const body = JSON.parse(response.body) as {
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
    const posted = await api("POST", "/v1/events", events);
    if (posted.status !== 202) throw new Error(`events: ${posted.status} ${posted.body}`);
  }
  return { variant: body.variant, modelVersion: body.model_version, clicks, bookings };
}
