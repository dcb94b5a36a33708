import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { BackendStats, type BackendStatsReport, type ProxyErrorKind } from "./backend-stats.js";

/** Where the proxy listens and what it forwards to. */
export interface RoundRobinProxyOptions {
  /** Backend base URLs (`http://127.0.0.1:PORT`), tried in turn. */
  backends: readonly string[];
  port?: number;
  host?: string;
  /** How long a backend that refused a connection is skipped before it is tried again. */
  downForMs?: number;
  /** A backend answering nothing within this time counts as a timeout (504 when none is left). */
  timeoutMs?: number;
  /** Largest request body buffered for forwarding (bodies are buffered so a retry can resend them). */
  maxBodyBytes?: number;
}

/** What `/proxy/stats` answers. */
export interface ProxyStatsReport {
  requests: number;
  /** Requests answered by the proxy itself with 502/504 because no backend could answer. */
  failed: number;
  /** Forwarding attempts that were repeated on another backend. */
  retries: number;
  backends: BackendStatsReport[];
}

/** A running proxy. */
export interface RoundRobinProxy {
  url: string;
  stats(): ProxyStatsReport;
  close(): Promise<void>;
}

/** Methods whose repetition has the effect of one request (RFC 9110 §9.2.2): safe to retry after a reset. */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);
/** Connection-scoped headers (RFC 9110 §7.6.1) that a proxy must not forward. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

function errorKind(error: NodeJS.ErrnoException): ProxyErrorKind {
  if (error.code === "ECONNREFUSED") return "refused";
  if (error.code === "ETIMEDOUT" || error.message === "timeout") return "timeout";
  return "reset";
}

function sendProblem(response: ServerResponse, status: number, detail: string, instance: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const title = { 413: "Content Too Large", 502: "Bad Gateway", 504: "Gateway Timeout" }[status] ?? "Error";
  response.writeHead(status, { "content-type": "application/problem+json" });
  response.end(JSON.stringify({ type: "about:blank", title, status, detail, instance }));
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * A small round-robin HTTP proxy for a local cluster: each request goes to the next backend. A
 * backend that refuses the connection is skipped for `downForMs` and the request goes to the next
 * one — whatever its method, since a refused request never reached anyone. A failure after the
 * request may have been delivered (reset, timeout) is retried elsewhere only for idempotent
 * methods; a POST then gets 502, because replaying it could apply it twice. Every failure is
 * counted per backend and served as JSON at `/proxy/stats`.
 */
export async function startRoundRobinProxy(options: RoundRobinProxyOptions): Promise<RoundRobinProxy> {
  if (options.backends.length === 0) throw new Error("round-robin proxy: at least one backend is needed");
  const downForMs = options.downForMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const backends = options.backends.map((url) => new BackendStats(new URL(url)));
  // Keep-alive connections to the backends: a new TCP connection per request would cost more
  // than the forwarding itself.
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  let next = 0;
  let requests = 0;
  let failed = 0;
  let retries = 0;

  /** The next backend in turn that is not marked down; a down one only when all are. */
  const pick = (tried: Set<BackendStats>): BackendStats | null => {
    const now = Date.now();
    for (const acceptDown of [false, true]) {
      for (let step = 0; step < backends.length; step++) {
        const backend = backends[(next + step) % backends.length];
        if (tried.has(backend) || (!acceptDown && backend.isDown(now))) continue;
        next = (backends.indexOf(backend) + 1) % backends.length;
        return backend;
      }
    }
    return null;
  };

  const attempt = (
    backend: BackendStats,
    incoming: IncomingMessage,
    body: Buffer,
    response: ServerResponse,
  ): Promise<{ ok: true } | { ok: false; kind: ProxyErrorKind; message: string }> =>
    new Promise((resolve) => {
      const headers = forwardable(incoming.headers);
      const client = incoming.socket.remoteAddress ?? "";
      const prior = incoming.headers["x-forwarded-for"];
      headers["x-forwarded-for"] = prior ? `${prior}, ${client}` : client;
      if (body.length > 0) headers["content-length"] = String(body.length);
      backend.started();
      const outgoing = httpRequest(
        {
          agent,
          host: backend.url.hostname,
          port: backend.url.port,
          method: incoming.method,
          path: incoming.url,
          headers,
          timeout: timeoutMs,
        },
        (answer) => {
          backend.answered(answer.statusCode ?? 0);
          response.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
          answer.pipe(response);
          answer.once("error", () => response.destroy());
          // Settled when the answer is complete or the client went away, whichever comes first.
          answer.once("end", () => resolve({ ok: true }));
          response.once("close", () => resolve({ ok: true }));
        },
      );
      outgoing.once("timeout", () => outgoing.destroy(new Error("timeout")));
      outgoing.once("error", (error: NodeJS.ErrnoException) => {
        if (response.headersSent) {
          // The answer had started: it cannot be retried, only cut short.
          backend.failed("reset", Date.now(), downForMs);
          response.destroy();
          resolve({ ok: true });
          return;
        }
        const kind = errorKind(error);
        backend.failed(kind, Date.now(), downForMs);
        resolve({ ok: false, kind, message: error.message });
      });
      outgoing.end(body);
    });

  const handle = async (incoming: IncomingMessage, response: ServerResponse) => {
    const path = (incoming.url ?? "/").split("?")[0];
    if (path === "/proxy/stats") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(stats()));
      return;
    }
    requests++;
    const body = await readBody(incoming, maxBodyBytes);
    if (body === null) {
      failed++;
      sendProblem(response, 413, `request body over the proxy's ${maxBodyBytes} bytes`, path);
      return;
    }
    const method = incoming.method ?? "GET";
    const tried = new Set<BackendStats>();
    let last = "no backend";
    let lastKind: ProxyErrorKind = "refused";
    for (;;) {
      const backend = pick(tried);
      if (!backend) break;
      if (tried.size > 0) retries++;
      tried.add(backend);
      const outcome = await attempt(backend, incoming, body, response);
      if (outcome.ok) return;
      last = `${backend.url.host}: ${outcome.message}`;
      lastKind = outcome.kind;
      if (outcome.kind !== "refused" && !IDEMPOTENT.has(method)) break;
    }
    failed++;
    const status = lastKind === "timeout" ? 504 : 502;
    sendProblem(response, status, `no backend answered ${method} ${path} (last: ${last})`, path);
  };

  const stats = (): ProxyStatsReport => ({
    requests,
    failed,
    retries,
    backends: backends.map((b) => b.report(Date.now())),
  });

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: Error) =>
      sendProblem(response, 502, `proxy failure: ${error.message}`, incoming.url ?? "/"),
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${address.port}`,
    stats,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      agent.destroy();
    },
  };
}
