import type { FastifyRequest } from "fastify";

/** Query parameters whose values are credentials by their name. */
const SECRET_PARAM = /token|key|secret|passw|auth|signature|credential/i;
const REDACTED = "[REDACTED]";

/**
 * A URL fit for a log line: values of credential-like query parameters, and every occurrence of a
 * known secret (wherever a client put it), replaced by [REDACTED].
 */
export function redactUrl(url: string, secrets: readonly string[] = []): string {
  let text = url;
  const q = text.indexOf("?");
  if (q >= 0) {
    const query = text
      .slice(q + 1)
      .split("&")
      .map((pair) => {
        const eq = pair.indexOf("=");
        if (eq < 0) return pair;
        let name = pair.slice(0, eq);
        try {
          name = decodeURIComponent(name);
        } catch {
          // A malformed name is checked as it is.
        }
        return SECRET_PARAM.test(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
      })
      .join("&");
    text = `${text.slice(0, q)}?${query}`;
  }
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    text = text.replaceAll(secret, REDACTED).replaceAll(encodeURIComponent(secret), REDACTED);
  }
  return text;
}

/**
 * Fastify's logger options for request logging: the request serializer keeps Fastify's default
 * fields with the URL redacted, and pino's redaction removes credential headers from anything
 * that logs them. Tokens must never reach a log: logs are shipped, indexed and kept for months.
 */
export function requestLoggerOptions(secrets: readonly string[], stream?: { write(line: string): void }) {
  return {
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        "req.headers.authorization",
        "req.headers.cookie",
        'req.headers["x-api-key"]',
        "headers.authorization",
        "headers.cookie",
        'headers["x-api-key"]',
      ],
      censor: REDACTED,
    },
    serializers: {
      req(request: FastifyRequest) {
        return {
          method: request.method,
          url: redactUrl(request.url, secrets),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        };
      },
    },
  };
}
