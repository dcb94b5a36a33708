import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { oracleTopK } from "../data/city/ground-truth.js";
import { restaurantId, userIndexOf } from "../data/city/ids.js";
import { periodAt } from "../data/city/meal-time.js";
import { buildWorld, isOpen } from "../data/city/world.js";
import { Random } from "../math/random.js";
import { httpApi } from "./api-client.js";
import { runSimulation, type SimulationSummary } from "./simulate.js";

/**
 * A stand-in for the recommendation server that ranks by the city's ground truth ("oracle") or
 * at random among the open restaurants ("random"), so the simulated users' behaviour can be
 * checked against list quality with nothing else varying.
 */
const world = buildWorld({ users: 400, restaurants: 300, days: 1, seed: 5 });
/** Items of each list served, by recommendation id. */
const served = new Map<string, string[]>();
const posted: { recommendation_id: string; item_id: string }[] = [];
let server: Server;
let base = "";

/** FNV-1a of a string: a seed per session for the random lists. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function rankFor(mode: string, url: URL): string[] {
  const u = userIndexOf(world, url.searchParams.get("user_id") ?? "");
  const k = Number(url.searchParams.get("k"));
  const time = Date.parse(url.searchParams.get("at") ?? "") / 1000;
  if (mode === "oracle") {
    const context = {
      lat: Number(url.searchParams.get("lat")),
      lon: Number(url.searchParams.get("lon")),
      time,
    };
    return [...oracleTopK(world, u, k, context).indices].map((r) => restaurantId(world, r));
  }
  // Seeded by the session, so the random lists do not depend on the order requests arrive in.
  const rng = new Random(hash(url.searchParams.get("session_id") ?? ""));
  const open = Array.from({ length: world.restaurants.count }, (_, r) => r).filter((r) =>
    isOpen(world, r, periodAt(time)),
  );
  return rng
    .shuffle(open)
    .slice(0, k)
    .map((r) => restaurantId(world, r));
}

before(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const mode = url.pathname.split("/")[1];
    if (request.method === "GET" && url.pathname.endsWith("/v1/recommendations")) {
      const id = `${mode}-${served.size}`;
      const ranked = rankFor(mode, url);
      served.set(id, ranked);
      const items = ranked.map((item_id) => ({ item_id, score: 0, reasons: [] }));
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ recommendation_id: id, user_id: "", model_version: mode, variant: mode, items }),
      );
      return;
    }
    let text = "";
    request.on("data", (chunk) => {
      text += chunk;
    });
    request.on("end", () => {
      const events = JSON.parse(text) as { recommendation_id: string; item_id: string }[];
      posted.push(...events);
      response.writeHead(202, { "content-type": "application/json" });
      response.end(JSON.stringify({ accepted: events.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** One simulated Monday of 400 users against the stand-in in `mode`, as fast as it answers. */
async function simulateAgainst(mode: string): Promise<SimulationSummary> {
  const api = httpApi(`${base}/${mode}`);
  try {
    return await runSimulation({
      api,
      world,
      clock: () => 0,
      pacing: "none",
      startMs: Date.parse("2026-03-02T00:00:00Z"),
      rate: 100_000,
      days: 1,
      sessionsPerUserDay: 2,
      seed: 9,
      sessionPrefix: mode,
    });
  } finally {
    api.close();
  }
}

test("users click and book more when the lists match their true taste, deterministically for a seed", async () => {
  const oracle = await simulateAgainst("oracle");
  const random = await simulateAgainst("random");
  const o = oracle.variants.oracle;
  const r = random.variants.random;
  assert.equal(oracle.errors + random.errors, 0);
  // The same seed gives the same sessions: same users, places and times, only the lists differ.
  assert.equal(oracle.visits, random.visits);
  assert.ok(o.impressions > 500, `${o.impressions} lists`);
  assert.ok(o.meanUtility > r.meanUtility + 1, `true utility ${o.meanUtility} vs ${r.meanUtility}`);
  assert.ok(o.ctr > 2 * r.ctr, `CTR ${o.ctr} (oracle) vs ${r.ctr} (random)`);
  assert.ok(o.bookingRate > 2 * r.bookingRate, `booking rate ${o.bookingRate} vs ${r.bookingRate}`);
  assert.ok(o.leftEarly < r.leftEarly, "users shown what they do not want leave sooner");

  // Every event refers to a list that was served, and names an item of it.
  assert.equal(posted.length, oracle.events.accepted + random.events.accepted);
  assert.ok(posted.every((e) => served.get(e.recommendation_id)?.includes(e.item_id)));

  const again = await simulateAgainst("oracle");
  assert.deepEqual(again.variants, oracle.variants);
});
