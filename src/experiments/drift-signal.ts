import { z } from "zod";

/** The part of `GET /v1/admin/drift` the controller reads: the features asking for a retrain. */
const DriftRetrainSchema = z.object({ retrain: z.array(z.string()) });

/**
 * A drift signal for the retrainer from a serving replica (`palate controller --drift-from URL`):
 * each call fetches `URL/v1/admin/drift` with the admin token and returns its `retrain` list.
 * Any failure (unreachable, 401, malformed body, timeout) is an error, which the retrainer treats
 * as "no drift signal" so freshness alone decides.
 */
export function remoteDriftSignal(
  baseUrl: string,
  token: string | undefined,
  timeoutMs = 2000,
): () => Promise<readonly string[]> {
  const url = new URL("/v1/admin/drift", baseUrl).toString();
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return async () => {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return DriftRetrainSchema.parse(await response.json()).retrain;
  };
}
