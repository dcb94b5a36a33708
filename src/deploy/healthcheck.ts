/**
 * The container's HEALTHCHECK: GET the liveness route and exit 0 on a 2xx, 1 otherwise. Slim
 * Node images have no curl or wget, so the probe is this compiled script run by node itself.
 * PALATE_HEALTHCHECK_URL overrides the default (the port the image's CMD serves on).
 */
const DEFAULT_URL = "http://127.0.0.1:8080/healthz";
const TIMEOUT_MS = 2_000;

async function probe(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (response.ok) return 0;
    console.error(`healthcheck: ${url} answered ${response.status}`);
    return 1;
  } catch (error) {
    console.error(`healthcheck: ${url}: ${(error as Error).message}`);
    return 1;
  }
}

process.exitCode = await probe(process.env.PALATE_HEALTHCHECK_URL ?? DEFAULT_URL);
