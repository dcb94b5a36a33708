import { createReadStream } from "node:fs";
import { InputError } from "../core/errors.js";
import { readFailure } from "./csv-reader.js";

/** One parsed line of an NDJSON file and its 1-based line number. */
export interface NdjsonRecord {
  readonly value: unknown;
  readonly line: number;
}

/** How to read an NDJSON file. */
export interface NdjsonOptions {
  /**
   * Called with the error of a malformed line instead of throwing it, so a caller that skips
   * invalid rows can count the line and go on.
   */
  onError?: (error: InputError) => void;
  /** Bytes per read from disk. */
  chunkSize?: number;
}

/** Streams the JSON values of an NDJSON (JSON Lines) file; blank lines are skipped. */
export async function* readNdjson(path: string, options: NdjsonOptions = {}): AsyncGenerator<NdjsonRecord> {
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: options.chunkSize ?? 1 << 16 });
  let rest = "";
  let line = 1;
  let first = true;
  const parseLine = (text: string): NdjsonRecord | undefined => {
    const at = line++;
    if (text.trim().length === 0) return undefined;
    try {
      return { value: JSON.parse(text), line: at };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const failure = new InputError({ source: path, line: at }, `malformed JSON: ${reason}`);
      if (options.onError === undefined) throw failure;
      options.onError(failure);
      return undefined;
    }
  };
  try {
    for await (const chunk of stream) {
      let text = rest + (chunk as string);
      if (first) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      let pos = 0;
      for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", pos)) {
        const record = parseLine(text.slice(pos, nl));
        pos = nl + 1;
        if (record !== undefined) yield record;
      }
      rest = text.slice(pos);
    }
  } catch (error) {
    throw readFailure(path, error);
  }
  const record = parseLine(rest);
  if (record !== undefined) yield record;
}
