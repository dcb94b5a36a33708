import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { servingFixture } from "../testing/serving-fixture.js";

let fx: Awaited<ReturnType<typeof servingFixture>>;
before(async () => {
  fx = await servingFixture();
});
after(async () => {
  await fx?.close();
});

const cases: {
  name: string;
  method?: "GET" | "POST" | "PUT";
  url: string;
  payload?: string;
  status: number;
  detail: RegExp;
}[] = [
  { name: "k = 0", url: "/v1/recommendations?user_id=u&k=0", status: 400, detail: /k/ },
  { name: "k = 10,000", url: "/v1/recommendations?user_id=u&k=10000", status: 400, detail: /k/ },
  { name: "k not a number", url: "/v1/recommendations?user_id=u&k=ten", status: 400, detail: /k/ },
  { name: "missing user_id", url: "/v1/recommendations?k=5", status: 400, detail: /user_id/ },
  {
    name: "unknown query field",
    url: "/v1/recommendations?user_id=u&colour=red",
    status: 400,
    detail: /colour.*not a known field/,
  },
  { name: "invalid UTF-8 id", url: "/v1/recommendations?user_id=%FF%FE", status: 400, detail: /user_id/ },
  {
    name: "control character in id",
    url: "/v1/recommendations?user_id=a%00b",
    status: 400,
    detail: /user_id/,
  },
  { name: "lat without lon", url: "/v1/recommendations?user_id=u&lat=1", status: 400, detail: /lon/ },
  { name: "bad time", url: "/v1/recommendations?user_id=u&at=yesterday", status: 400, detail: /at/ },
  {
    name: "malformed JSON",
    method: "POST",
    url: "/v1/events",
    payload: '{"type": "click",',
    status: 400,
    detail: /JSON/,
  },
  {
    name: "unknown event field",
    method: "POST",
    url: "/v1/events",
    payload: '{"type":"click","user_id":"u","item_id":"i","colour":1}',
    status: 400,
    detail: /colour|unrecognized/i,
  },
  {
    name: "wrong type",
    method: "POST",
    url: "/v1/events",
    payload: '{"type":"click","user_id":5,"item_id":"i"}',
    status: 400,
    detail: /user_id/,
  },
  {
    name: "bad event in a batch",
    method: "POST",
    url: "/v1/events",
    payload: '[{"type":"click","user_id":"u","item_id":"i"},{"type":"click","user_id":"","item_id":"i"}]',
    status: 400,
    detail: /\[1\]\.user_id/,
  },
  {
    name: "deeply nested JSON",
    method: "POST",
    url: "/v1/events",
    payload: `${"[".repeat(5000)}${"]".repeat(5000)}`,
    status: 400,
    detail: /./,
  },
  {
    name: "bad item body",
    method: "PUT",
    url: "/v1/items/x",
    payload: '{"categories":"thai"}',
    status: 400,
    detail: /categories/,
  },
];

for (const c of cases) {
  test(`bad request: ${c.name} → ${c.status} problem details`, async () => {
    const response = await fx.app.inject({
      method: c.method ?? "GET",
      url: c.url,
      payload: c.payload,
      headers: c.payload ? { "content-type": "application/json" } : {},
    });
    assert.equal(response.statusCode, c.status, response.body);
    assert.match(response.headers["content-type"] as string, /application\/problem\+json/);
    const body = response.json();
    assert.equal(body.status, c.status);
    assert.match(body.detail, c.detail);
  });
}

test("a 10 MB body is refused with 413 and a batch over 1,000 with 400; the server stays healthy", async () => {
  const huge = await fx.app.inject({
    method: "POST",
    url: "/v1/events",
    headers: { "content-type": "application/json" },
    payload: `[${'{"type":"view","user_id":"u","item_id":"i"},'.repeat(230_000)}{}]`,
  });
  assert.equal(huge.statusCode, 413, huge.body.slice(0, 200));
  const batch = Array.from({ length: 1001 }, () => ({ type: "view", user_id: "u", item_id: "i" }));
  const tooMany = await fx.app.inject({ method: "POST", url: "/v1/events", payload: batch });
  assert.equal(tooMany.statusCode, 400);
  assert.equal((await fx.app.inject({ url: "/healthz" })).statusCode, 200);
  assert.equal(
    (await fx.app.inject({ url: `/v1/recommendations?user_id=${fx.model.users.idAt(0)}` })).statusCode,
    200,
  );
});

test("unknown routes are 404 problem details", async () => {
  const response = await fx.app.inject({ url: "/v1/nothing-here" });
  assert.equal(response.statusCode, 404);
  assert.match(response.headers["content-type"] as string, /application\/problem\+json/);
});

test("invalid percent-encoding in a path id is a 400 too", async () => {
  const response = await fx.app.inject({ url: "/v1/items/%C3%28/similar" });
  assert.equal(response.statusCode, 400);
  assert.match(response.json().detail, /path/);
});
