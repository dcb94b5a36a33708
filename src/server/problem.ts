import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { InputError } from "../core/errors.js";

/** An RFC 9457 problem details body. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Sends a problem details response. */
export function sendProblem(
  reply: FastifyReply,
  status: number,
  detail: string,
  headers: Record<string, string> = {},
): FastifyReply {
  const body: Problem = {
    type: "about:blank",
    title: TITLES[status] ?? "Error",
    status,
    detail,
    instance: reply.request.url.split("?")[0],
  };
  return reply.code(status).headers(headers).type("application/problem+json").send(body);
}

/** The status and a clear detail for an error thrown while handling a request. */
export function describeError(error: FastifyError | Error): { status: number; detail: string } {
  const e = error as FastifyError;
  if (e.validation) {
    const first = e.validation[0];
    const where = e.validationContext ?? "request";
    const path = first?.instancePath ? first.instancePath.replace(/^\//, "").replaceAll("/", ".") : "";
    const field =
      first?.keyword === "additionalProperties"
        ? `${path ? `${path}.` : ""}${String((first.params as { additionalProperty?: string }).additionalProperty)}`
        : first?.keyword === "required"
          ? `${path ? `${path}.` : ""}${String((first.params as { missingProperty?: string }).missingProperty)}`
          : path;
    const message =
      first?.keyword === "additionalProperties" ? "is not a known field" : (first?.message ?? "is invalid");
    return { status: 400, detail: `${where}${field ? ` field '${field}'` : ""}: ${message}` };
  }
  if (error instanceof InputError) return { status: 400, detail: error.message };
  switch (e.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return { status: 413, detail: "the request body is larger than the server accepts" };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return { status: 415, detail: "send the body as application/json" };
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return { status: 400, detail: "the JSON body is empty" };
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return { status: 400, detail: `the body is not valid JSON: ${e.message}` };
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, detail: e.message };
  }
  if (error instanceof SyntaxError)
    return { status: 400, detail: `the body is not valid JSON: ${error.message}` };
  return { status: 500, detail: "internal error; the server logged the details" };
}

/** The app-wide error handler: every error becomes problem details; 5xx are logged. */
export function problemErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const { status, detail } = describeError(error);
  if (status >= 500) request.log.error({ err: error }, "request failed");
  return sendProblem(reply, status, detail);
}
