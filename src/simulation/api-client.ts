import http from "node:http";
import https from "node:https";

/** An API response: status and body text. */
export interface ApiResponse {
  status: number;
  body: string;
  /** Response headers (lower-case names); absent for transports that do not give them. */
  headers?: Record<string, string | string[] | undefined>;
}

/** How the simulator talks to the API: over HTTP, or in-process through Fastify's `inject` in tests. */
export type ApiCall = (method: "GET" | "POST" | "PUT", path: string, body?: unknown) => Promise<ApiResponse>;

/** An ApiCall over HTTP that can release its pooled connections. */
export type HttpApi = ApiCall & {
  /** Closes the idle keep-alive sockets (requests in flight finish). */
  close(): void;
};

/** Options of `httpApi`. */
export interface HttpApiOptions {
  /** Most sockets open to the server at once (requests beyond it queue in the agent). */
  maxSockets?: number;
  /** A request taking longer fails (ms). */
  timeoutMs?: number;
}

/**
 * An ApiCall over HTTP(S) to a running server, through one keep-alive agent: a simulation makes
 * thousands of small requests, and a new TCP connection for each would measure the handshake
 * rather than the server.
 */
export function httpApi(target: string, options: HttpApiOptions = {}): HttpApi {
  const base = new URL(target);
  const transport = base.protocol === "https:" ? https : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  const prefix = base.pathname.replace(/\/$/, "");
  const timeoutMs = options.timeoutMs ?? 10_000;
  const call = (method: "GET" | "POST" | "PUT", path: string, body?: unknown) =>
    new Promise<ApiResponse>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const request = transport.request(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path: prefix + path,
          method,
          agent,
          headers: payload
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }
            : {},
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString("utf8"),
              headers: response.headers,
            }),
          );
          response.on("error", reject);
        },
      );
      request.setTimeout(timeoutMs, () =>
        request.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)),
      );
      request.on("error", reject);
      request.end(payload);
    });
  return Object.assign(call, { close: () => agent.destroy() });
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
