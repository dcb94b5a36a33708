import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Whether an Authorization header carries the admin bearer token, compared in constant time
 * (both sides hashed first, so neither the content nor the length leaks through timing).
 */
export function isAdmin(header: string | undefined, token: string): boolean {
  if (!header?.startsWith("Bearer ")) return false;
  const given = createHash("sha256").update(header.slice("Bearer ".length)).digest();
  const expected = createHash("sha256").update(token).digest();
  return timingSafeEqual(given, expected);
}
