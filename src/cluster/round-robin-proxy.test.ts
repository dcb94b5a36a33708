import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import { freePort } from "../core/ports.js";
import { startRoundRobinProxy } from "./round-robin-proxy.js";

const servers: Server[] = [];
after(async () => {
  for (const server of servers) await new Promise((r) => server.close(r));
});

/**
 * A backend that echoes what it received (its name, method, path, a header, the body); with
 * `resetPosts` it drops POST connections without answering, as a process dying mid-request would.
 */
async function echoBackend(name: string, options: { resetPosts?: boolean } = {}): Promise<string> {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (options.resetPosts && request.method === "POST") {
      request.socket.destroy();
      return;
    }
    response.writeHead(200, { "content-type": "application/json", "x-backend": name });
    response.end(
      JSON.stringify({
        name,
        method: request.method,
        url: request.url,
        header: request.headers["x-test"] ?? null,
        forwardedFor: request.headers["x-forwarded-for"] ?? null,
        body: Buffer.concat(chunks).toString("utf8"),
      }),
    );
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test("requests go to the backends in turn with method, path, headers and body intact", async () => {
  const backends = [await echoBackend("a"), await echoBackend("b"), await echoBackend("c")];
  const proxy = await startRoundRobinProxy({ backends });
  try {
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${proxy.url}/v1/events?x=${i}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-test": `h${i}` },
        body: JSON.stringify({ i }),
      });
      assert.equal(response.status, 200);
      const echo = (await response.json()) as Record<string, string>;
      assert.equal(echo.method, "POST");
      assert.equal(echo.url, `/v1/events?x=${i}`);
      assert.equal(echo.header, `h${i}`);
      assert.equal(echo.body, JSON.stringify({ i }));
      assert.equal(echo.forwardedFor, "127.0.0.1");
      names.push(echo.name);
    }
    assert.deepEqual(names, ["a", "b", "c", "a", "b", "c"]);
    const stats = proxy.stats();
    assert.equal(stats.requests, 6);
    assert.deepEqual(
      stats.backends.map((b) => [b.attempts, b.answers["2xx"]]),
      [
        [2, 2],
        [2, 2],
        [2, 2],
      ],
    );
  } finally {
    await proxy.close();
  }
});

test("a backend refusing connections is skipped, counted and reported at /proxy/stats", async () => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  const backends = [await echoBackend("a"), dead, await echoBackend("c")];
  const proxy = await startRoundRobinProxy({ backends, downForMs: 60_000 });
  try {
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      // A POST too: a refused connection never delivered it, so another backend may take it.
      const response = await fetch(`${proxy.url}/x`, {
        method: i % 2 ? "POST" : "GET",
        body: i % 2 ? "b" : null,
      });
      assert.equal(response.status, 200);
      names.push(((await response.json()) as { name: string }).name);
    }
    // Refused once, then out of the rotation: a, (dead→c), a, c, a, c.
    assert.deepEqual(names, ["a", "c", "a", "c", "a", "c"]);
    const stats = (await (await fetch(`${proxy.url}/proxy/stats`)).json()) as ReturnType<typeof proxy.stats>;
    assert.equal(stats.requests, 6);
    assert.equal(stats.failed, 0);
    assert.equal(stats.retries, 1);
    assert.deepEqual(stats.backends[1].errors, { refused: 1, reset: 0, timeout: 0 });
    assert.equal(stats.backends[1].down, true);
  } finally {
    await proxy.close();
  }
});

test("a reset is retried elsewhere for GET but answered 502 for POST, which might have been applied", async () => {
  const backends = [await echoBackend("flaky", { resetPosts: true }), await echoBackend("b")];
  const proxy = await startRoundRobinProxy({ backends });
  try {
    const post = await fetch(`${proxy.url}/v1/events`, { method: "POST", body: "{}" });
    assert.equal(post.status, 502);
    assert.equal(post.headers.get("content-type"), "application/problem+json");
    assert.match(((await post.json()) as { detail: string }).detail, /no backend answered POST \/v1\/events/);
    // Resets do not take a backend out of the rotation (one stale socket is not a dead process).
    const get = await fetch(`${proxy.url}/v1/recommendations`);
    assert.equal(get.status, 200);
    assert.equal(((await get.json()) as { name: string }).name, "b");
    const stats = proxy.stats();
    assert.equal(stats.failed, 1);
    assert.equal(stats.backends[0].errors.reset, 1);
    assert.equal(stats.backends[0].down, false);
  } finally {
    await proxy.close();
  }
});

test("every backend down: 502 with the last error named", async () => {
  const proxy = await startRoundRobinProxy({ backends: [`http://127.0.0.1:${await freePort()}`] });
  try {
    const response = await fetch(`${proxy.url}/v1/recommendations?user_id=u`);
    assert.equal(response.status, 502);
    assert.match(((await response.json()) as { detail: string }).detail, /ECONNREFUSED/);
    assert.equal(proxy.stats().failed, 1);
  } finally {
    await proxy.close();
  }
});
