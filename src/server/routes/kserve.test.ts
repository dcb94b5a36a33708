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

test("KServe v2: server and model metadata, health and readiness in the protocol's shapes", async () => {
  assert.deepEqual((await fx.app.inject({ url: "/v2" })).json(), {
    name: "palate",
    version: "0.1.0",
    extensions: [],
  });
  assert.deepEqual((await fx.app.inject({ url: "/v2/health/live" })).json(), { live: true });
  assert.deepEqual((await fx.app.inject({ url: "/v2/health/ready" })).json(), { ready: true });
  assert.deepEqual((await fx.app.inject({ url: "/v2/models/palate/ready" })).json(), {
    name: "palate",
    ready: true,
  });
  const meta = (await fx.app.inject({ url: "/v2/models/palate" })).json();
  assert.equal(meta.name, "palate");
  assert.deepEqual(meta.versions, [fx.model.version]);
  assert.deepEqual(
    meta.inputs.map((t: { name: string; datatype: string }) => [t.name, t.datatype]),
    [
      ["user_id", "BYTES"],
      ["k", "INT32"],
    ],
  );
  const missing = await fx.app.inject({ url: "/v2/models/other" });
  assert.equal(missing.statusCode, 404);
  assert.match(missing.json().error, /other/);
});

test("KServe v2 infer returns [N, k] item ids and scores matching the REST route", async () => {
  const users = [fx.model.users.idAt(1), fx.model.users.idAt(2)];
  const response = await fx.app.inject({
    method: "POST",
    url: "/v2/models/palate/infer",
    payload: {
      id: "req-1",
      inputs: [
        { name: "user_id", shape: [2], datatype: "BYTES", data: users },
        { name: "k", shape: [1], datatype: "INT32", data: [4] },
      ],
    },
  });
  assert.equal(response.statusCode, 200, response.body);
  const body = response.json();
  assert.equal(body.model_name, "palate");
  assert.equal(body.id, "req-1");
  const [ids, scores] = body.outputs;
  assert.deepEqual([ids.name, ids.datatype, ids.shape], ["item_id", "BYTES", [2, 4]]);
  assert.deepEqual([scores.name, scores.datatype, scores.shape], ["score", "FP32", [2, 4]]);
  const rest = (await fx.app.inject({ url: `/v1/recommendations?user_id=${users[1]}&k=4` })).json();
  assert.deepEqual(
    ids.data.slice(4),
    rest.items.map((i: { item_id: string }) => i.item_id),
  );
});

test("KServe v2 errors are {error} bodies with 400", async () => {
  const noUsers = await fx.app.inject({
    method: "POST",
    url: "/v2/models/palate/infer",
    payload: { inputs: [{ name: "k", shape: [1], datatype: "INT32", data: [4] }] },
  });
  assert.equal(noUsers.statusCode, 400);
  assert.match(noUsers.json().error, /user_id/);
  const badK = await fx.app.inject({
    method: "POST",
    url: "/v2/models/palate/infer",
    payload: {
      inputs: [
        { name: "user_id", shape: [1], datatype: "BYTES", data: ["a"] },
        { name: "k", shape: [1], datatype: "INT32", data: [0] },
      ],
    },
  });
  assert.equal(badK.statusCode, 400);
  assert.match(badK.json().error, /k/);
  const malformed = await fx.app.inject({
    method: "POST",
    url: "/v2/models/palate/infer",
    payload: "{",
    headers: { "content-type": "application/json" },
  });
  assert.equal(malformed.statusCode, 400);
  assert.ok(typeof malformed.json().error === "string");
});
