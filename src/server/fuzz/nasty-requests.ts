import type { FuzzRequest, FuzzTarget } from "./http-requests.js";
import { deeplyNested } from "./nasty-values.js";

/** A hand-picked hostile request and the status it must get. */
export interface NastyCase {
  name: string;
  request: FuzzRequest;
  status: number;
}

const JSON_HEADERS = { "content-type": "application/json" };

function get(url: string, headers: Record<string, string> = {}): FuzzRequest {
  return { method: "GET", url, headers };
}

function post(url: string, payload: string, headers: Record<string, string> = JSON_HEADERS): FuzzRequest {
  return { method: "POST", url, headers, payload };
}

function infer(model: string, inputs: unknown): FuzzRequest {
  return post(`/v2/models/${model}/infer`, JSON.stringify({ inputs }));
}

/** The table of nasty cases, each with the one right answer. */
export function nastyCases(t: FuzzTarget): NastyCase[] {
  const user = t.users[0];
  const item = t.items[0];
  const auth = { authorization: `Bearer ${t.adminToken}` };
  const event = (fields: Record<string, unknown>) =>
    JSON.stringify({ type: "click", user_id: user, item_id: item, ...fields });
  const batch = (n: number) => `[${Array.from({ length: n }, () => event({})).join(",")}]`;
  return [
    { name: "negative k", request: get(`/v1/recommendations?user_id=${user}&k=-1`), status: 400 },
    { name: "huge k", request: get(`/v1/recommendations?user_id=${user}&k=1e309`), status: 400 },
    { name: "NaN k", request: get(`/v1/recommendations?user_id=${user}&k=NaN`), status: 400 },
    { name: "Infinity k", request: get(`/v1/recommendations?user_id=${user}&k=Infinity`), status: 400 },
    { name: "duplicate k", request: get(`/v1/recommendations?user_id=${user}&k=1&k=2`), status: 400 },
    { name: "duplicate user_id", request: get(`/v1/recommendations?user_id=${user}&user_id=x`), status: 400 },
    { name: "empty user_id", request: get("/v1/recommendations?user_id="), status: 400 },
    { name: "NaN diversity", request: get(`/v1/recommendations?user_id=${user}&diversity=NaN`), status: 400 },
    { name: "huge lat", request: get(`/v1/recommendations?user_id=${user}&lat=1e309&lon=0`), status: 400 },
    {
      name: "lone surrogate in user_id (CESU-8 bytes)",
      request: get("/v1/recommendations?user_id=%ED%A0%80"),
      status: 400,
    },
    {
      name: "path traversal as a user id is just an unknown user",
      request: get("/v1/recommendations?user_id=..%2F..%2Fetc%2Fpasswd"),
      status: 200,
    },
    {
      name: "path traversal as an item id is just an unknown item",
      request: get("/v1/items/..%2F..%2Fetc%2Fpasswd/similar"),
      status: 404,
    },
    { name: "similar with k = 0", request: get(`/v1/items/${item}/similar?k=0`), status: 400 },
    { name: "similar with k twice", request: get(`/v1/items/${item}/similar?k=3&k=4`), status: 400 },
    { name: "control character in an item id", request: get("/v1/items/a%07b/similar"), status: 400 },
    { name: "overlong item id", request: get(`/v1/items/${"x".repeat(300)}/similar`), status: 400 },
    { name: "id past the router's limit", request: get(`/v1/items/${"x".repeat(600)}/similar`), status: 400 },
    {
      name: "lone surrogate in an event's user id",
      request: post("/v1/events", '{"type":"click","user_id":"\\ud800","item_id":"i"}'),
      status: 400,
    },
    {
      name: "lone low surrogate in an item id",
      request: { method: "PUT", url: "/v1/items/%ED%B0%80", headers: JSON_HEADERS, payload: "{}" },
      status: 400,
    },
    {
      name: "prototype pollution attempt",
      request: post("/v1/events", '{"__proto__":{"polluted":1},"type":"click","user_id":"u","item_id":"i"}'),
      status: 400,
    },
    {
      name: "100,000 nested arrays",
      request: post("/v1/events", deeplyNested(100_000, "array")),
      status: 400,
    },
    {
      name: "100,000 nested objects",
      request: post("/v1/events", deeplyNested(100_000, "object")),
      status: 400,
    },
    { name: "2 MB of whitespace", request: post("/v1/events", `${" ".repeat(2_000_000)}{}`), status: 413 },
    { name: "batch of 1,000 is accepted", request: post("/v1/events", batch(1000)), status: 202 },
    { name: "batch of 1,001 is refused", request: post("/v1/events", batch(1001)), status: 400 },
    { name: "empty batch", request: post("/v1/events", "[]"), status: 400 },
    {
      name: "value NaN (not JSON)",
      request: post("/v1/events", event({}).replace("}", ',"value":NaN}')),
      status: 400,
    },
    {
      name: "value 1e999 (Infinity)",
      request: post("/v1/events", event({}).replace("}", ',"value":1e999}')),
      status: 400,
    },
    { name: "negative timestamp", request: post("/v1/events", event({ timestamp: -1 })), status: 400 },
    { name: "empty body", request: post("/v1/events", ""), status: 400 },
    { name: "JSON null body", request: post("/v1/events", "null"), status: 400 },
    {
      name: "text/plain body",
      request: post("/v1/events", event({}), { "content-type": "text/plain" }),
      status: 415,
    },
    {
      name: "form body",
      request: post("/v1/events", "type=click", { "content-type": "application/x-www-form-urlencoded" }),
      status: 415,
    },
    { name: "body without a content type", request: post("/v1/events", event({}), {}), status: 415 },
    {
      name: "preferences with min above max",
      request: {
        method: "PUT",
        url: `/v1/users/${user}/preferences`,
        headers: JSON_HEADERS,
        payload: '{"price_min":3,"price_max":1}',
      },
      status: 400,
    },
    {
      name: "preferences as an array",
      request: { method: "PUT", url: `/v1/users/${user}/preferences`, headers: JSON_HEADERS, payload: "[]" },
      status: 400,
    },
    {
      name: "delete an unknown item",
      request: { method: "DELETE", url: "/v1/items/nope", headers: {} },
      status: 404,
    },
    { name: "KServe: k as a string", request: infer(t.modelName, [ids([user]), k(["5"])]), status: 400 },
    { name: "KServe: k = 0", request: infer(t.modelName, [ids([user]), k([0])]), status: 400 },
    { name: "KServe: 1,001 users", request: infer(t.modelName, [ids(Array(1001).fill(user))]), status: 400 },
    { name: "KServe: a number as a user id", request: infer(t.modelName, [ids([5])]), status: 400 },
    { name: "KServe: nested data", request: infer(t.modelName, [ids([[user], [[user]]])]), status: 200 },
    { name: "KServe: unknown model", request: infer("other", [ids([user])]), status: 404 },
    { name: "KServe: no inputs", request: infer(t.modelName, []), status: 400 },
    { name: "admin without a token", request: get("/v1/admin/models"), status: 401 },
    {
      name: "admin with the token in the query string only",
      request: get(`/v1/admin/models?token=${t.adminToken}`),
      status: 401,
    },
    {
      name: "admin with Basic auth",
      request: get("/v1/admin/models", { authorization: `Basic ${t.adminToken}` }),
      status: 401,
    },
    {
      name: "admin with a token prefix",
      request: get("/v1/admin/models", { authorization: `Bearer ${t.adminToken.slice(0, -1)}` }),
      status: 401,
    },
    { name: "admin with the token", request: get("/v1/admin/models", auth), status: 200 },
    {
      name: "admin: promote a traversal version",
      request: post("/v1/admin/models/..%2F..%2Fetc/promote", "{}", { ...JSON_HEADERS, ...auth }),
      status: 404,
    },
    {
      name: "admin: canary at 500 percent",
      request: post(`/v1/admin/models/${t.versions[0]}/canary`, '{"percent":500}', {
        ...JSON_HEADERS,
        ...auth,
      }),
      status: 400,
    },
    {
      name: "pause without a token",
      request: post("/v1/admin/experiment/pause", "{}"),
      status: 401,
    },
    {
      name: "resume with a wrong token",
      request: post("/v1/admin/experiment/resume", "{}", {
        ...JSON_HEADERS,
        authorization: "Bearer nope",
      }),
      status: 401,
    },
    { name: "dashboard status without a token", request: get("/v1/dashboard/status"), status: 401 },
    { name: "drift report without a token", request: get("/v1/admin/drift"), status: 401 },
    {
      name: "dashboard asset by traversal",
      request: get("/dashboard/assets/..%2F..%2F..%2Fpackage.json"),
      status: 404,
    },
    {
      name: "dashboard vendor file by traversal",
      request: get("/dashboard/vendor/..%2Fapp.ts"),
      status: 404,
    },
    { name: "wrong method", request: { method: "PATCH", url: "/v1/events", headers: {} }, status: 404 },
    // inject resolves dot segments like a browser: the admin route it reaches still needs the token.
    { name: "dot segments in the path", request: get("/v1/recommendations/../admin/models"), status: 401 },
  ];
}

function ids(data: unknown[]) {
  return { name: "user_id", shape: [data.length], datatype: "BYTES", data };
}

function k(data: unknown[]) {
  return { name: "k", shape: [1], datatype: "INT32", data };
}
