import type { Random } from "../../math/random.js";

/** Picks one element of a non-empty list. */
export function pick<T>(random: Random, values: readonly T[]): T {
  return values[random.int(values.length)];
}

/**
 * Ids a hostile or careless client sends: empty, control characters, lone surrogates, path
 * traversal (raw and percent-encoded), overlong, URL syntax and unicode of every width.
 */
export const NASTY_IDS: readonly string[] = [
  "",
  " ",
  "a\u0000b",
  "tab\there",
  "line\nbreak",
  "del\u007f",
  "\ud800",
  "x\udc00y",
  "\udbff\udfff",
  "😀🍣",
  "ﬁ\u0301\u200b\u202e",
  "../../etc/passwd",
  "..%2F..%2Fetc%2Fpasswd",
  "..\\..\\windows",
  "%",
  "%zz",
  "%00",
  "a?b=c",
  "a#b",
  "a/b",
  "a;b",
  "__proto__",
  "constructor",
  "toString",
  "x".repeat(256),
  "x".repeat(257),
  "x".repeat(5000),
  "é".repeat(300),
  "null",
  "NaN",
  "-1",
  "0",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style payload, literally
  "${jndi:ldap://x}",
  "a,b,,c",
];

/** Values for numeric query parameters such as k, lat, diversity. */
export const NASTY_NUMBERS: readonly string[] = [
  "0",
  "1",
  "10",
  "100",
  "101",
  "-1",
  "-0",
  "1.5",
  "1e3",
  "1e309",
  "-1e309",
  "NaN",
  "Infinity",
  "-Infinity",
  "0x10",
  "9007199254740993",
  "99999999999999999999999",
  "",
  " 5",
  "5 ",
  "5abc",
  "true",
  "null",
  "[]",
  "{}",
  "%20",
  "１０",
];

/** A random string: mostly printable ASCII, sometimes any code unit at all. */
export function randomString(random: Random, maxLength: number): string {
  const length = random.int(maxLength + 1);
  let text = "";
  for (let i = 0; i < length; i++) {
    const r = random.next();
    if (r < 0.7) text += String.fromCharCode(32 + random.int(95));
    else if (r < 0.8) text += String.fromCharCode(random.int(32));
    else if (r < 0.9) text += String.fromCharCode(0xd800 + random.int(0x800));
    else text += String.fromCharCode(random.int(0x10000));
  }
  return text;
}

/** An id: usually a known one, else nasty or random. */
export function randomId(random: Random, known: readonly string[]): string {
  const r = random.next();
  if (r < 0.4) return pick(random, known);
  if (r < 0.8) return pick(random, NASTY_IDS);
  return randomString(random, 40);
}

/**
 * Percent-encodes text for a URL. Lone surrogates (which encodeURIComponent refuses) are written
 * as the bytes a careless encoder produces (CESU-8), which are not valid UTF-8.
 */
export function encodeForUrl(text: string, random: Random): string {
  // Sometimes leave the text raw: the URL then carries whatever the client typed.
  if (random.next() < 0.15) return text.replaceAll(/[\s#?]/g, (c) => encodeURIComponent(c));
  let out = "";
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      out += `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`;
    } else out += encodeURIComponent(char);
  }
  return out;
}

/** Any JSON value, nested up to `depth`, with hostile strings and numbers mixed in. */
export function randomJson(random: Random, depth: number): unknown {
  const r = random.next();
  if (depth <= 0 || r < 0.45) {
    const leaf = random.int(8);
    if (leaf === 0) return null;
    if (leaf === 1) return random.next() < 0.5;
    if (leaf === 2) return pick(random, [0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, 1000, 101, 5e-324]);
    if (leaf === 3) return pick(random, NASTY_IDS);
    return randomString(random, 20);
  }
  if (r < 0.75) return Array.from({ length: random.int(5) }, () => randomJson(random, depth - 1));
  const object: Record<string, unknown> = {};
  for (let i = random.int(5); i > 0; i--) {
    object[random.next() < 0.5 ? pick(random, NASTY_IDS) : randomString(random, 8)] = randomJson(
      random,
      depth - 1,
    );
  }
  return object;
}

/** JSON text nested `depth` levels deep (arrays or objects). */
export function deeplyNested(depth: number, kind: "array" | "object"): string {
  return kind === "array"
    ? `${"[".repeat(depth)}1${"]".repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}
