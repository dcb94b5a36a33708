/**
 * Why a request URL is not valid UTF-8 percent-encoding (naming the query parameter or the
 * path), or null when it is. The query parser would otherwise keep `%FF` as literal text and an
 * id would silently become a different id.
 */
export function urlEncodingProblem(url: string): string | null {
  // Without a percent sign there is no escape to be invalid (the usual request: no work).
  if (!url.includes("%")) return null;
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  if (!decodes(path)) return "path: not valid UTF-8 percent-encoding";
  if (q < 0) return null;
  for (const pair of url.slice(q + 1).split("&")) {
    const eq = pair.indexOf("=");
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (!decodes(key)) return "query: a parameter name is not valid UTF-8 percent-encoding";
    if (eq >= 0 && !decodes(pair.slice(eq + 1))) {
      return `query field '${decodeURIComponent(key)}': not valid UTF-8 percent-encoding`;
    }
  }
  return null;
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text.replaceAll("+", " "));
    return true;
  } catch {
    return false;
  }
}
