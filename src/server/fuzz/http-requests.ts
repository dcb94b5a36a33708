import { Random } from "../../math/random.js";
import { body, queryString } from "./http-mutations.js";
import { encodeForUrl, NASTY_NUMBERS, pick, randomId, randomString } from "./nasty-values.js";

/** One request of the fuzzer, in the shape `app.inject` takes. */
export interface FuzzRequest {
  method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** What the generator needs to know about the app under test. */
export interface FuzzTarget {
  users: readonly string[];
  items: readonly string[];
  versions: readonly string[];
  modelName: string;
  adminToken: string;
}

function event(random: Random, t: FuzzTarget): Record<string, unknown> {
  return {
    type: pick(random, ["view", "click", "booking", "rating", randomString(random, 70)]),
    user_id: randomId(random, t.users),
    item_id: randomId(random, t.items),
    ...(random.next() < 0.5
      ? { timestamp: pick(random, [1_700_000_000, -5, "2026-11-26T12:00:00Z", "yesterday", 1e300, "", 0]) }
      : {}),
    ...(random.next() < 0.3 ? { value: pick(random, [1, 5, -3, 0.5, 1e308]) } : {}),
  };
}

type RouteGenerator = (random: Random, t: FuzzTarget) => FuzzRequest;

const num = (random: Random) => () => pick(random, NASTY_NUMBERS);
const id = (random: Random, pool: readonly string[]) => encodeForUrl(randomId(random, pool), random);

/** One generator per route (and its neighbours: wrong methods, unknown names). */
const GENERATORS: Record<string, RouteGenerator> = {
  recommendations: (random, t) => ({
    method: "GET",
    url: `/v1/recommendations${queryString(random, {
      user_id: () => randomId(random, t.users),
      k: num(random),
      lat: num(random),
      lon: num(random),
      radius_km: num(random),
      at: () => pick(random, ["2026-11-27T12:00:00Z", "2026-13-45T99:99:99Z", "now", "", "0"]),
      exclude: () =>
        Array.from({ length: random.int(6) }, () => randomId(random, t.items)).join(
          random.next() < 0.9 ? "," : ",,",
        ),
      diversity: num(random),
      session_id: () => randomId(random, ["s1"]),
    })}`,
    headers: {},
  }),
  similar: (random, t) => ({
    method: "GET",
    url: `/v1/items/${id(random, t.items)}/similar${queryString(random, { k: num(random) })}`,
    headers: {},
  }),
  putItem: (random, t) => ({
    method: "PUT",
    url: `/v1/items/${id(random, t.items)}`,
    ...body(random, {
      title: randomString(random, 30),
      categories: ["thai", randomString(random, 10)],
      price: pick(random, [1, 2, -1, 1e308]),
      lat: pick(random, [48.1, 91, -90]),
      lon: pick(random, [11.5, 181, -180]),
      attributes: { stars: 4, note: randomString(random, 20) },
    }),
  }),
  deleteItem: (random, t) => ({
    method: "DELETE",
    url: `/v1/items/${encodeForUrl(random.next() < 0.3 ? pick(random, t.items) : randomId(random, ["gone"]), random)}`,
    headers: {},
  }),
  preferences: (random, t) => ({
    method: "PUT",
    url: `/v1/users/${id(random, t.users)}/preferences`,
    ...body(random, {
      cuisines: ["thai", randomString(random, 70)],
      price_min: pick(random, [0, 1, 3, -1]),
      price_max: pick(random, [0, 2, 4, 1e308]),
      home_lat: 48.1,
      home_lon: 11.5,
    }),
  }),
  events: (random, t) => {
    const r = random.next();
    const size = r < 0.5 ? 1 : r < 0.9 ? random.int(20) : pick(random, [0, 999, 1000, 1001, 5000]);
    const value = r < 0.4 ? event(random, t) : Array.from({ length: size }, () => event(random, t));
    return { method: "POST", url: "/v1/events", ...body(random, value) };
  },
  kserveInfer: (random, t) => ({
    method: "POST",
    url: `/v2/models/${random.next() < 0.8 ? t.modelName : id(random, ["other"])}/infer`,
    ...body(random, {
      id: randomString(random, 10),
      inputs: [
        {
          name: "user_id",
          shape: [2],
          datatype: pick(random, ["BYTES", "BYTES", "INT32", "FP32"]),
          data: random.next() < 0.2 ? [[randomId(random, t.users)], [[]]] : [randomId(random, t.users), "u2"],
        },
        {
          name: "k",
          shape: [1],
          datatype: "INT32",
          data: [pick(random, [5, 0, -1, 101, 1.5, "5", null, 1e308])],
        },
      ],
    }),
  }),
  kserveGet: (random, t) => ({
    method: "GET",
    url: pick(random, [
      "/v2",
      "/v2/health/live",
      "/v2/health/ready",
      `/v2/models/${id(random, [t.modelName])}`,
      `/v2/models/${id(random, [t.modelName])}/ready`,
      "/v2/models//ready",
    ]),
    headers: {},
  }),
  admin: (random, t) => {
    const auth = pick(random, [
      `Bearer ${t.adminToken}`,
      `Bearer ${t.adminToken}`,
      "",
      "Bearer ",
      `bearer ${t.adminToken}`,
      `Bearer ${t.adminToken} `,
      `Basic ${Buffer.from(`admin:${t.adminToken}`).toString("base64")}`,
      `Bearer ${"x".repeat(10_000)}`,
      t.adminToken,
    ]);
    const version = encodeForUrl(randomId(random, t.versions), random);
    const route = random.int(4);
    const headers: Record<string, string> = auth ? { authorization: auth } : {};
    if (route === 0) return { method: "GET", url: "/v1/admin/models", headers };
    if (route === 1) return { method: "GET", url: "/v1/admin/experiment", headers };
    const action = pick(random, ["canary", "promote", "rollback", "delete"]);
    const request = body(random, { percent: pick(random, [10, 0, 100, 101, -5, "ten"]), reason: "fuzz" });
    return {
      method: "POST",
      url: `/v1/admin/models/${version}/${action}`,
      headers: { ...request.headers, ...headers },
      payload: request.payload,
    };
  },
  dashboard: (random, t) => {
    const headers: Record<string, string> =
      random.next() < 0.5
        ? { authorization: pick(random, [`Bearer ${t.adminToken}`, "Bearer nope", ""]) }
        : {};
    const file = encodeForUrl(
      pick(random, [
        "index.html",
        "api.js",
        "../../../package.json",
        "..%2F..%2Fpackage.json",
        ".env",
        randomId(random, ["style.css"]),
      ]),
      random,
    );
    const r = random.int(10);
    if (r < 2) {
      const action = pick(random, ["pause", "resume"]);
      const request = body(random, { reason: randomString(random, 30) });
      return {
        method: "POST",
        url: `/v1/admin/experiment/${action}`,
        headers: { ...request.headers, ...headers },
        payload: request.payload,
      };
    }
    const url = pick(random, [
      "/dashboard",
      `/dashboard/assets/${file}`,
      `/dashboard/vendor/${file}`,
      "/v1/dashboard/config",
      "/v1/dashboard/serving",
      "/v1/dashboard/status",
      "/v1/dashboard/catalog",
      "/v1/admin/drift",
      `/v1/dashboard/places${queryString(random, {
        user_id: () => randomId(random, t.users),
        items: () => Array.from({ length: random.int(5) }, () => randomId(random, t.items)).join(","),
      })}`,
    ]);
    return { method: "GET", url, headers };
  },
  misc: (random) => ({
    method: pick(random, ["GET", "GET", "POST", "PATCH", "DELETE"] as const),
    url: pick(random, [
      "/healthz",
      "/readyz",
      "/metrics",
      "/docs/openapi.json",
      "/v1/events",
      "/v1/recommendations/../admin/models",
      "/v1/items/..%2F..%2Fetc%2Fpasswd/similar",
      "/%2e%2e/%2e%2e/etc/passwd",
      `/${"a/".repeat(2000)}`,
      "//v1//recommendations",
      "/v1/items//similar",
    ]),
    headers: {},
  }),
};

/** The routes the generator covers (each a key of its generator table). */
export const FUZZ_ROUTES = Object.keys(GENERATORS);

/** The `count` requests for a seed: the same seed always gives the same requests. */
export function* fuzzRequests(seed: number, count: number, target: FuzzTarget): Generator<FuzzRequest> {
  const random = new Random(seed);
  for (let i = 0; i < count; i++) {
    const generate = GENERATORS[FUZZ_ROUTES[i % FUZZ_ROUTES.length]];
    yield generate(random, target);
  }
}
