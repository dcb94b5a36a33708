import { resolve } from "node:path";
import { InputError } from "../core/errors.js";

/** A store URL split at its first colon: `sqlite:data/x.db` → scheme `sqlite`, rest `data/x.db`. */
export interface StoreUrl {
  /** Lower-cased scheme without the colon. */
  readonly scheme: string;
  /** Everything after the first colon, untouched. */
  readonly rest: string;
  /** The URL with any `user:password@` removed, safe to put in messages and logs. */
  readonly display: string;
}

/** Where a `sqlite:` URL points: an in-memory database or an absolute file path. */
export type SqliteTarget = { readonly memory: true } | { readonly memory: false; readonly path: string };

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/** Hides credentials so that a mistyped `redis://user:secret@host` never reaches a log line. */
export function redactStoreUrl(url: string): string {
  // Also `redis:user:secret@host`, where the slashes were forgotten.
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/*)[^@/]*@/, "$1***@");
}

/** Splits a store URL into scheme and rest; `kind` (e.g. "interaction store") names the store in errors. */
export function parseStoreUrl(url: string, kind: string): StoreUrl {
  const display = redactStoreUrl(url);
  const match = SCHEME.exec(url);
  // One-letter schemes are Windows drive letters (`C:\x.db`), i.e. a path someone forgot to prefix.
  if (match === null || match[1].length < 2) {
    throw new InputError(
      { source: `${kind} URL '${display}'` },
      "expected SCHEME:LOCATION, e.g. 'sqlite:data/palate.db' or 'sqlite::memory:'",
    );
  }
  return { scheme: match[1].toLowerCase(), rest: url.slice(match[0].length), display };
}

/**
 * Resolves the location of a `sqlite:` URL: `:memory:` or a path, relative ones against the
 * working directory (so the store does not depend on a later `chdir`).
 */
export function sqliteTarget(url: StoreUrl, kind: string): SqliteTarget {
  if (url.rest === ":memory:") return { memory: true };
  if (url.rest.trim() === "") {
    throw new InputError({ source: `${kind} URL '${url.display}'` }, "expected a file path after 'sqlite:'");
  }
  return { memory: false, path: resolve(url.rest) };
}

/** The error for a scheme no backend handles; it lists the URL forms that are supported. */
export function unsupportedSchemeError(
  url: StoreUrl,
  kind: string,
  supported: readonly string[],
): InputError {
  return new InputError(
    { source: `${kind} URL '${url.display}'` },
    `unsupported scheme '${url.scheme}:'; supported: ${supported.join(", ")}`,
  );
}

/** A store backend as a URL scheme table lists it: the URL forms it accepts (shown in errors). */
export interface SchemeBackend {
  readonly forms: readonly string[];
}

/** Parses a store URL and picks its backend from a scheme table; unknown schemes list the forms. */
export function backendFor<B extends SchemeBackend>(
  url: string,
  kind: string,
  backends: Readonly<Record<string, B>>,
): { parsed: StoreUrl; backend: B } {
  const parsed = parseStoreUrl(url, kind);
  const backend = Object.hasOwn(backends, parsed.scheme) ? backends[parsed.scheme] : undefined;
  if (backend === undefined) {
    throw unsupportedSchemeError(
      parsed,
      kind,
      Object.values(backends).flatMap((b) => b.forms),
    );
  }
  return { parsed, backend };
}
