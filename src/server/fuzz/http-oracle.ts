import type { FastifyInstance } from "fastify";
import type { FuzzRequest } from "./http-requests.js";

/** What the fuzzer saw for one request. */
export interface FuzzOutcome {
  status: number;
  contentType: string;
  body: string;
}

/**
 * A hang detector, not a performance bound: a request that has not answered after this long is
 * stuck (a healthy answer takes milliseconds even on a loaded CI machine).
 */
export const HANG_MS = 15_000;

/** Sends one request; rejects with "hang" when no answer comes within HANG_MS. */
export async function send(app: FastifyInstance, request: FuzzRequest): Promise<FuzzOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: no answer within ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    const response = await Promise.race([app.inject(request), hang]);
    return {
      status: response.statusCode,
      contentType: String(response.headers["content-type"] ?? ""),
      body: response.body,
    };
  } finally {
    clearTimeout(timer);
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Why an outcome breaks the contract, or null when it keeps it: 2xx/3xx anything, 4xx as
 * problem details (status and detail present, status matching), or on /v2 the KServe `{error}`
 * body; never a 5xx.
 */
export function violation(request: FuzzRequest, outcome: FuzzOutcome): string | null {
  if (outcome.status >= 500) return `server error ${outcome.status}: ${outcome.body.slice(0, 300)}`;
  if (outcome.status < 400) return null;
  const body = parse(outcome.body) as Record<string, unknown> | undefined;
  if (outcome.contentType.startsWith("application/problem+json")) {
    if (body?.status !== outcome.status) return `problem status ${String(body?.status)} ≠ ${outcome.status}`;
    if (typeof body.detail !== "string" || body.detail.length === 0) return "problem without a detail";
    return null;
  }
  const kserve = request.url.startsWith("/v2");
  if (kserve && outcome.contentType.startsWith("application/json") && typeof body?.error === "string")
    return null;
  return `a ${outcome.status} that is not problem details (${outcome.contentType}): ${outcome.body.slice(0, 200)}`;
}

/** A request as one line to paste into a bug report or a regression case. */
export function describeRequest(request: FuzzRequest): string {
  const payload = request.payload === undefined ? "" : ` ${JSON.stringify(request.payload.slice(0, 300))}`;
  const extra =
    request.payload && request.payload.length > 300 ? ` (+${request.payload.length - 300} chars)` : "";
  return `${request.method} ${request.url.slice(0, 300)} ${JSON.stringify(request.headers).slice(0, 200)}${payload}${extra}`;
}
