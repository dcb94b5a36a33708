import { createHash, timingSafeEqual } from "node:crypto";
import { InputError } from "../core/errors.js";

/** The shortest admin token accepted (the config file enforces the same). */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/**
 * Whether an Authorization header carries the admin bearer token, compared in constant time
 * (both sides hashed first, so neither the content nor the length leaks through timing). The
 * scheme name is case-insensitive (RFC 9110 §11.1); an empty configured token matches nothing.
 */
export function isAdmin(header: string | undefined, token: string): boolean {
  if (token.length === 0 || !header || header.slice(0, 7).toLowerCase() !== "bearer ") return false;
  const given = createHash("sha256").update(header.slice("Bearer ".length)).digest();
  const expected = createHash("sha256").update(token).digest();
  return timingSafeEqual(given, expected);
}

/** Whether the process runs in production mode: the config's `production`, or NODE_ENV=production. */
export function isProduction(
  config: { production?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return config.production === true || env.NODE_ENV === "production";
}

/**
 * The admin token a production server must have, or an error saying how to give one. Without it
 * the admin API and the dashboard's writes would be off and nobody could run the registry by
 * hand; with a short one they would be guessable. Outside production nothing is required.
 */
export function checkProductionToken(
  config: { production?: boolean; adminToken?: string },
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (!isProduction(config, env)) return;
  const token = config.adminToken ?? env.PALATE_ADMIN_TOKEN;
  const where = { source: "palate serve (production mode)" };
  if (!token) {
    throw new InputError(
      where,
      "no admin token: set PALATE_ADMIN_TOKEN (or adminToken in the config file) to a secret of at least " +
        `${MIN_ADMIN_TOKEN_LENGTH} characters, or leave production mode (--production, NODE_ENV=production, config production: true)`,
    );
  }
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new InputError(where, `PALATE_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
  }
}
