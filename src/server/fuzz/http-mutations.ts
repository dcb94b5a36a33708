import type { Random } from "../../math/random.js";
import { deeplyNested, encodeForUrl, pick, randomJson, randomString } from "./nasty-values.js";

/*
 * The mutation layer of the HTTP fuzzer: hostile query strings, structurally mutated JSON
 * values, broken JSON text and wrong content types, applied to the plausible requests that
 * http-requests.ts builds per route.
 */

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/JSON",
  "application/json; charset=latin1",
  "application/problem+json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/octet-stream",
  "application/json, text/plain",
  ";;;",
];

/** A query string from parameter candidates: values hostile, parameters duplicated or unknown. */
export function queryString(random: Random, params: Record<string, () => string>): string {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    const r = random.next();
    if (r < 0.3) continue;
    pairs.push(`${name}=${encodeForUrl(value(), random)}`);
    if (r > 0.9) pairs.push(`${name}=${encodeForUrl(value(), random)}`);
  }
  if (random.next() < 0.1) pairs.push(`${encodeForUrl(randomString(random, 6), random)}=1`);
  if (random.next() < 0.05) pairs.push("&&=&");
  return pairs.length ? `?${pairs.join("&")}` : "";
}

/** A mutated copy of a JSON value: a field changed, dropped, added, or the whole replaced. */
function mutateJson(random: Random, value: unknown): unknown {
  const r = random.next();
  if (r < 0.4) return value;
  if (r < 0.5) return randomJson(random, 4);
  if (Array.isArray(value)) {
    if (value.length === 0 || random.next() < 0.2) return [...value, randomJson(random, 2)];
    const copy = [...value];
    const at = random.int(copy.length);
    copy[at] = mutateJson(random, copy[at]);
    return copy;
  }
  if (value !== null && typeof value === "object") {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const action = random.int(4);
    if (action === 0 && keys.length) delete copy[pick(random, keys)];
    else if (action === 1) copy[randomString(random, 8)] = randomJson(random, 2);
    else if (keys.length) {
      const key = pick(random, keys);
      copy[key] = action === 2 ? randomJson(random, 3) : mutateJson(random, copy[key]);
    }
    return copy;
  }
  return randomJson(random, 2);
}

/** JSON text, sometimes broken: truncated, spliced, padded past the body limit, deeply nested. */
function mutateText(random: Random, text: string): string {
  const r = random.next();
  if (r < 0.75) return text;
  const at = random.int(text.length + 1);
  if (r < 0.8) return text.slice(0, at);
  if (r < 0.85) return text.slice(0, at) + randomString(random, 4) + text.slice(at);
  if (r < 0.88) return deeplyNested(1 + random.int(20_000), random.next() < 0.5 ? "array" : "object");
  if (r < 0.9) return `${text}${" ".repeat(1_100_000)}`;
  if (r < 0.93) return `\ufeff${text}`;
  if (r < 0.96) return text.replace("{", '{"__proto__":{"polluted":1},');
  return pick(random, ["", "null", "0", '""', "[]", "{}", "true", "NaN", "[1,]", "{'a':1}", "\u0000"]);
}

export function body(random: Random, value: unknown): { payload: string; headers: Record<string, string> } {
  const payload = mutateText(random, JSON.stringify(mutateJson(random, value)) ?? "");
  const headers: Record<string, string> = {};
  const r = random.next();
  if (r < 0.8) headers["content-type"] = "application/json";
  else if (r < 0.95) headers["content-type"] = pick(random, CONTENT_TYPES);
  return { payload, headers };
}
